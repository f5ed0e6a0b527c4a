using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LoadGen.Benchmarks.Gate;
using LoadGen.Reporting;

namespace LoadGen.Cli;

/// <summary>
/// <c>loadgen bench [--quick] [--filter GLOB]</c> runs the codec suite into <c>results/bench/&lt;timestamp&gt;/</c>;
/// <c>bench compare [RUN]</c> gates a run (or a fresh one) against <c>results/baselines/codec.json</c>;
/// <c>bench baseline [RUN]</c> stores a run as the baseline; <c>bench trend</c> charts every stored run.
/// </summary>
internal static class BenchCommand
{
    private const string DefaultBaseline = "results/baselines/codec.json";

    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "In process, short 100 ms iterations, a subset: under 2 minutes here. Without it, BenchmarkDotNet's default job over the whole suite.", Recursive = true };
        var filter = new Option<string?>("--filter") { Description = "Only benchmarks matching this glob, for example '*ControlPacket*'.", Recursive = true };
        var output = new Option<string>("--out") { Description = "Where run folders go.", DefaultValueFactory = _ => "results/bench", Recursive = true };
        var baseline = new Option<string>("--baseline") { Description = "The baseline file.", DefaultValueFactory = _ => DefaultBaseline, Recursive = true };
        var tolerance = new Option<double>("--tolerance") { Description = "How much worse (percent) a time ratio may get before the gate fails.", DefaultValueFactory = _ => 25 };
        var run = new Argument<string?>("run") { Description = "A run folder holding bench.json; without it, the suite runs first.", Arity = ArgumentArity.ZeroOrOne };

        var command = new Command("bench", "Run the codec benchmark suite (BenchmarkDotNet) and keep its results.") { quick, filter, output, baseline };
        command.SetAction(parse =>
        {
            (string folder, _) = RunSuite(parse.GetValue(quick), parse.GetValue(filter), parse.GetValue(output)!);
            Console.WriteLine($"bench: {folder}");
            return 0;
        });

        var compare = new Command("compare", "Gate a run against the baseline: any extra allocated byte fails, and a time ratio to MQTTnet worse by more than --tolerance fails. Exit 1 on a regression.") { run, tolerance };
        compare.SetAction(parse =>
        {
            string baselinePath = parse.GetValue(baseline)!;
            if (!File.Exists(baselinePath))
            {
                Console.Error.WriteLine($"{baselinePath}: no baseline; make one with 'loadgen bench baseline' (after 'loadgen bench --quick')");
                return 2;
            }

            BenchRun reference = BenchRun.Read(baselinePath);
            double allowed = parse.GetValue(tolerance);
            string? given = parse.GetValue(run);
            BenchRun candidate;
            string folder;
            if (given is not null)
            {
                folder = given;
                candidate = BenchRun.Read(Path.Combine(given, "bench.json"));
            }
            else
            {
                (folder, candidate) = RunSuite(parse.GetValue(quick), parse.GetValue(filter), parse.GetValue(output)!);
                BenchVerdict first = BenchGate.Compare(reference, candidate, allowed);
                if (!first.Passed && first.Findings.Where(f => !f.Passed).All(f => f.RatioChangePercent is not null))
                {
                    // Only timing ratios failed: measure once more and keep each benchmark's better run, so a noisy
                    // moment on a shared machine does not fail the build. Allocations are exact and never retried.
                    Console.WriteLine("bench: a time ratio is over the tolerance; measuring once more to confirm");
                    (_, BenchRun again) = RunSuite(parse.GetValue(quick), parse.GetValue(filter), parse.GetValue(output)!);
                    candidate = BestOf(candidate, again);
                    candidate.Write(Path.Combine(folder, "bench.json"));
                }
            }

            BenchVerdict verdict = BenchGate.Compare(reference, candidate, allowed);
            string report = verdict.Markdown();
            File.WriteAllText(Path.Combine(folder, "gate.md"), report);
            Console.WriteLine(report);
            Console.WriteLine($"gate: {Path.Combine(folder, "gate.md")}");
            return verdict.Passed ? 0 : 1;
        });

        var runs = new Argument<string[]>("runs") { Description = "Run folders holding bench.json; without them, the suite runs three times.", Arity = ArgumentArity.ZeroOrMore };
        var store = new Command("baseline", "Store the median of several runs (default: three fresh ones) as the baseline file.") { runs };
        store.SetAction(parse =>
        {
            string[] given = parse.GetValue(runs) ?? [];
            List<BenchRun> measured = given.Length > 0
                ? given.Select(g => BenchRun.Read(Path.Combine(g, "bench.json"))).ToList()
                : Enumerable.Range(0, 3).Select(_ => RunSuite(parse.GetValue(quick), parse.GetValue(filter), parse.GetValue(output)!).Run).ToList();
            BenchRun candidate = BenchRun.Merge(measured);
            candidate.Write(parse.GetValue(baseline)!);
            Console.WriteLine($"baseline: {parse.GetValue(baseline)} ({candidate.Entries.Count} benchmarks, {candidate.Mode}, {candidate.Commit ?? "no commit"})");
            return 0;
        });

        var trendOut = new Option<string?>("--chart-dir") { Description = "Where the trend charts go (default: the runs folder)." };
        var trend = new Command("trend", "Chart every stored run's ratios and allocations per benchmark over time.") { trendOut };
        trend.SetAction(parse =>
        {
            string root = parse.GetValue(output)!;
            List<BenchRun> runs = Directory.Exists(root)
                ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bench.json")).Where(File.Exists).Select(BenchRun.Read).ToList()
                : [];
            if (File.Exists(parse.GetValue(baseline)))
            {
                runs.Add(BenchRun.Read(parse.GetValue(baseline)!));
            }

            if (runs.Count == 0)
            {
                Console.Error.WriteLine($"{root}: no runs with bench.json; run 'loadgen bench --quick' first");
                return 2;
            }

            string folder = parse.GetValue(trendOut) ?? root;
            foreach (Chart chart in BenchTrend.Charts(runs))
            {
                Console.WriteLine($"trend: {chart.Save(folder)}");
            }

            return 0;
        });

        command.Subcommands.Add(compare);
        command.Subcommands.Add(store);
        command.Subcommands.Add(trend);
        return command;
    }

    private static (string Folder, BenchRun Run) RunSuite(bool quick, string? filter, string root)
    {
        string folder = Path.Combine(root, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        BenchRun run = CodecSuite.Run(quick ? SuiteMode.Quick : SuiteMode.Full, folder, filter, Commit());
        run.Write(Path.Combine(folder, "bench.json"));
        File.WriteAllText(Path.Combine(folder, "summary.md"), run.Markdown());
        return (folder, run);
    }

    private static BenchRun BestOf(BenchRun a, BenchRun b)
    {
        var other = b.Entries.ToDictionary(e => e.Key);
        return a with
        {
            Entries = a.Entries.Select(e => other.TryGetValue(e.Key, out BenchEntry? o) && (o.Ratio ?? double.MaxValue) < (e.Ratio ?? double.MaxValue)
                ? o with { AllocatedBytes = Math.Max(o.AllocatedBytes, e.AllocatedBytes) }
                : e).ToList(),
        };
    }

    private static string? Commit()
    {
        try
        {
            using Process? git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
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
