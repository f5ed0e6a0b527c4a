using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Running;
using LoadGen.Benchmarks.Gate;
using LoadGen.Reporting;

// The codec suite, outside the product: `loadgen` only reads the bench.json files this writes (bench compare,
// baseline, trend). Three entry points:
//   dotnet run -c Release --project bench/LoadGen.Benchmarks -- codec [--quick] [--filter GLOB] [--out results/bench]
//   dotnet run -c Release --project bench/LoadGen.Benchmarks -- gate --quick [--tolerance 25] [--baseline FILE]
//   dotnet run -c Release --project bench/LoadGen.Benchmarks -- --job short --filter '*' --artifacts DIR   (plain BenchmarkDotNet)
if (args.Length > 0 && args[0] is "codec" or "gate")
{
    var options = SuiteOptions.Parse(args[1..]);
    if (options.Problem is { } problem)
    {
        Console.Error.WriteLine($"{args[0]}: {problem}");
        Console.Error.WriteLine("usage: codec|gate [--quick] [--filter GLOB] [--out DIR] [--baseline FILE] [--tolerance PERCENT]");
        return 2;
    }

    return args[0] == "codec" ? Suite.Codec(options) : Suite.Gate(options);
}

IConfig config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Brief, MarkdownExporter.GitHub)
    .WithOption(ConfigOptions.JoinSummary, true);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
return 0;

/// <summary>The flags of <c>codec</c> and <c>gate</c>.</summary>
internal sealed record SuiteOptions(bool Quick, string? Filter, string Out, string Baseline, double Tolerance, string? Problem)
{
    public static SuiteOptions Parse(string[] args)
    {
        var o = new SuiteOptions(false, null, "results/bench", "results/baselines/codec.json", 25, null);
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--quick":
                    o = o with { Quick = true };
                    continue;
                case "--filter" or "--out" or "--baseline" or "--tolerance" when value is null:
                    return o with { Problem = $"{args[i]} needs a value" };
                case "--filter":
                    o = o with { Filter = value };
                    break;
                case "--out":
                    o = o with { Out = value! };
                    break;
                case "--baseline":
                    o = o with { Baseline = value! };
                    break;
                case "--tolerance" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) && t >= 0:
                    o = o with { Tolerance = t };
                    break;
                case "--tolerance":
                    return o with { Problem = $"--tolerance: \"{value}\" is not a percentage (a number, 0 or more)" };
                default:
                    return o with { Problem = $"unknown argument \"{args[i]}\"" };
            }

            i++;
        }

        return o;
    }
}

/// <summary>Runs the suite into a timestamped run folder, and the gate over it.</summary>
internal static class Suite
{
    public static int Codec(SuiteOptions o)
    {
        (string folder, _) = Run(o);
        Console.WriteLine($"bench: {folder}");
        return 0;
    }

    /// <summary>
    /// Runs the suite and gates it against the baseline with Reporting's <see cref="BenchGate"/> (the same rule
    /// <c>loadgen bench compare</c> applies to stored runs). When only a time ratio failed it measures the failing
    /// classes again, up to twice, each time in a fresh process, and keeps each benchmark's best run: a regression must
    /// repeat to fail.
    /// </summary>
    /// <remarks>
    /// Fresh processes, because the in-process toolchain measures code the JIT laid out once per process: on this
    /// 2-core machine one process in three or four measured a row 25 to 60 % slower than the next, and a second
    /// measurement in the same process repeated it (CI failed a SUBSCRIBE encode whose code had not changed).
    /// </remarks>
    public static int Gate(SuiteOptions o)
    {
        if (!File.Exists(o.Baseline))
        {
            Console.Error.WriteLine($"{o.Baseline}: no baseline; make one with 'loadgen bench baseline RUN...' from runs of 'codec --quick'");
            return 2;
        }

        BenchRun reference = BenchRun.Read(o.Baseline);
        (string folder, BenchRun candidate) = Run(o);
        BenchVerdict verdict = BenchGate.Compare(reference, candidate, o.Tolerance);
        for (int attempt = 1; attempt <= 2 && verdict.OnlyTimingFailed; attempt++)
        {
            string[] classes = verdict.Findings.Where(f => !f.Passed).Select(f => f.Key.Split(':')[0]).Distinct().ToArray();
            string? filter = classes.Length == 1 ? $"*{classes[0]}*" : o.Filter;
            Console.WriteLine($"bench: a time ratio is over the tolerance; measuring {filter ?? "the suite"} again in a fresh process ({attempt} of 2)");
            if (MeasureInFreshProcess(o, filter, Path.Combine(folder, $"confirm-{attempt}")) is not { } again)
            {
                break;
            }

            candidate = BenchRun.BestOf([candidate, again]);
            candidate.Write(Path.Combine(folder, "bench.json"));
            verdict = BenchGate.Compare(reference, candidate, o.Tolerance);
        }

        string report = verdict.Markdown();
        File.WriteAllText(Path.Combine(folder, "gate.md"), report);
        Console.WriteLine(report);
        Console.WriteLine($"gate: {Path.Combine(folder, "gate.md")}");
        return verdict.Passed ? 0 : 1;
    }

    // Runs `codec` in a child process of this same program and reads the bench.json it wrote; null when it failed.
    private static BenchRun? MeasureInFreshProcess(SuiteOptions o, string? filter, string output)
    {
        string host = Environment.ProcessPath!;
        var start = new System.Diagnostics.ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Suite).Assembly.Location);
        }

        foreach (string arg in (string[])["codec", "--out", output])
        {
            start.ArgumentList.Add(arg);
        }

        if (o.Quick)
        {
            start.ArgumentList.Add("--quick");
        }

        if (filter is not null)
        {
            start.ArgumentList.Add("--filter");
            start.ArgumentList.Add(filter);
        }

        using var child = System.Diagnostics.Process.Start(start)!;
        string log = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string? json = Directory.Exists(output) ? Directory.GetFiles(output, "bench.json", SearchOption.AllDirectories).FirstOrDefault() : null;
        if (child.ExitCode != 0 || json is null)
        {
            Console.WriteLine($"bench: the confirming run failed (exit {child.ExitCode}); its output ends:");
            Console.WriteLine(string.Join('\n', log.Split('\n').TakeLast(20)));
            return null;
        }

        return BenchRun.Read(json);
    }

    private static (string Folder, BenchRun Run) Run(SuiteOptions o)
    {
        string folder = Path.Combine(o.Out, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        BenchRun run = CodecSuite.Run(o.Quick ? SuiteMode.Quick : SuiteMode.Full, folder, o.Filter, Commit());
        run.Write(Path.Combine(folder, "bench.json"));
        File.WriteAllText(Path.Combine(folder, "summary.md"), run.Markdown());
        return (folder, run);
    }

    private static string? Commit()
    {
        try
        {
            using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", "rev-parse HEAD")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            string? text = git?.StandardOutput.ReadToEnd().Trim();
            git?.WaitForExit();
            return git?.ExitCode == 0 && text is { Length: 40 } ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
