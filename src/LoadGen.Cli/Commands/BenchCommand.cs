using System.CommandLine;
using LoadGen.Reporting;

namespace LoadGen.Cli;

/// <summary>
/// <c>loadgen bench</c> reads what the codec suite wrote; the suite itself lives outside the product, in
/// <c>bench/LoadGen.Benchmarks</c> (<c>dotnet run -c Release --project bench/LoadGen.Benchmarks -- codec --quick</c>), so
/// the tool carries no BenchmarkDotNet. <c>bench compare [RUN...]</c> gates runs (default: the newest) against
/// <c>results/baselines/codec.json</c>; <c>bench baseline RUN...</c> stores their medians as the baseline;
/// <c>bench trend</c> charts every stored run.
/// </summary>
internal static class BenchCommand
{
    private const string DefaultBaseline = "results/baselines/codec.json";
    private const string SuiteCommand = "dotnet run -c Release --project bench/LoadGen.Benchmarks -- codec --quick";

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Where the suite's run folders are.", DefaultValueFactory = _ => "results/bench", Recursive = true };
        var baseline = new Option<string>("--baseline") { Description = "The baseline file.", DefaultValueFactory = _ => DefaultBaseline, Recursive = true };
        var tolerance = new Option<double>("--tolerance") { Description = "How much worse (percent) a time ratio may get before the gate fails.", DefaultValueFactory = _ => 25 };
        var run = new Argument<string[]>("runs") { Description = "Run folders holding bench.json, measured at the same moment (each benchmark's better time ratio counts); without them, the newest run under --out.", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("bench", $"The codec benchmarks' regression gate and trend, over the bench.json runs the suite writes ({SuiteCommand}).") { output, baseline };
        command.SetAction(_ =>
        {
            Console.Error.WriteLine($"bench: say compare, baseline or trend; the suite itself runs from the source tree: {SuiteCommand}");
            return 2;
        });

        var compare = new Command("compare", "Gate runs against the baseline: any extra allocated byte fails, and a time ratio to MQTTnet worse by more than --tolerance fails. Exit 1 on a regression.") { run, tolerance };
        compare.SetAction(parse =>
        {
            string baselinePath = parse.GetValue(baseline)!;
            if (!File.Exists(baselinePath))
            {
                Console.Error.WriteLine($"{baselinePath}: no baseline; make one with 'loadgen bench baseline RUN...'");
                return 2;
            }

            string[] folders = parse.GetValue(run) is { Length: > 0 } given ? given : Newest(parse.GetValue(output)!);
            if (Missing(folders) is { } missing)
            {
                Console.Error.WriteLine(missing);
                return 2;
            }

            BenchRun candidate = BenchRun.BestOf(folders.Select(f => BenchRun.Read(Path.Combine(f, "bench.json"))).ToList());
            BenchVerdict verdict = BenchGate.Compare(BenchRun.Read(baselinePath), candidate, parse.GetValue(tolerance));
            string report = verdict.Markdown();
            File.WriteAllText(Path.Combine(folders[0], "gate.md"), report);
            Console.WriteLine(report);
            Console.WriteLine($"gate: {Path.Combine(folders[0], "gate.md")}");
            return verdict.Passed ? 0 : 1;
        });

        var runs = new Argument<string[]>("runs") { Description = "Run folders holding bench.json (three or more make a steadier baseline).", Arity = ArgumentArity.OneOrMore };
        var store = new Command("baseline", "Store the median of several runs as the baseline file.") { runs };
        store.SetAction(parse =>
        {
            string[] given = parse.GetValue(runs)!;
            if (Missing(given) is { } missing)
            {
                Console.Error.WriteLine(missing);
                return 2;
            }

            BenchRun candidate = BenchRun.Merge(given.Select(g => BenchRun.Read(Path.Combine(g, "bench.json"))).ToList());
            candidate.Write(parse.GetValue(baseline)!);
            Console.WriteLine($"baseline: {parse.GetValue(baseline)} ({candidate.Entries.Count} benchmarks, {candidate.Mode}, {candidate.Commit ?? "no commit"})");
            return 0;
        });

        var trendOut = new Option<string?>("--chart-dir") { Description = "Where the trend charts go (default: the runs folder)." };
        var trend = new Command("trend", "Chart every stored run's ratios and allocations per benchmark over time.") { trendOut };
        trend.SetAction(parse =>
        {
            string root = parse.GetValue(output)!;
            List<BenchRun> stored = Runs(root).Select(d => BenchRun.Read(Path.Combine(d, "bench.json"))).ToList();
            if (File.Exists(parse.GetValue(baseline)))
            {
                stored.Add(BenchRun.Read(parse.GetValue(baseline)!));
            }

            if (stored.Count == 0)
            {
                Console.Error.WriteLine($"{root}: no runs with bench.json; run '{SuiteCommand}' first");
                return 2;
            }

            string folder = parse.GetValue(trendOut) ?? root;
            foreach (Chart chart in BenchTrend.Charts(stored))
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

    private static IEnumerable<string> Runs(string root) => Directory.Exists(root)
        ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "bench.json"))).Order(StringComparer.Ordinal)
        : [];

    // Run folders are named by their UTC start (yyyyMMdd-HHmmss), so the last in order is the newest.
    private static string[] Newest(string root) => Runs(root).Where(d => Path.GetFileName(d).Length == 15).TakeLast(1).ToArray() is { Length: 1 } newest
        ? newest
        : [Path.Combine(root, "(no run)")];

    private static string? Missing(IEnumerable<string> folders) =>
        folders.FirstOrDefault(f => !File.Exists(Path.Combine(f, "bench.json"))) is { } missing
            ? $"{missing}: no bench.json; run '{SuiteCommand}' first"
            : null;
}
