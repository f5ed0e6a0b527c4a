using System.CommandLine;
using LoadGen.Engine;
using LoadGen.Reporting;

namespace LoadGen.Cli;

/// <summary><c>loadgen report &lt;run folder&gt;</c> and <c>loadgen compare &lt;baseline&gt; &lt;candidate&gt; [--fail-if ...]</c>.</summary>
internal static class ReportCommands
{
    public static Command Report()
    {
        var folder = new Argument<string>("run") { Description = "A run folder holding result.json (and latency.hlog)." };
        var command = new Command("report", "Rebuild a run's charts and report.html from result.json and latency.hlog.") { folder };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(folder)!;
            RunResult result;
            try
            {
                result = ReportBuilder.Read(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException or System.Text.Json.JsonException or InvalidDataException)
            {
                Console.Error.WriteLine($"{path}: {ex.Message}");
                return 2;
            }

            return RunExecution.TryReport(result, path) ? 0 : 2;
        });
        return command;
    }

    public static Command Merge()
    {
        var runs = new Argument<string[]>("runs") { Description = "Shard run folders, or folders holding them.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Where the merged run goes (default: results/<profile>-merged-<timestamp>)." };
        var force = new Option<bool>("--force") { Description = "Merge runs that are not shards of one run anyway; the result says so." };
        var command = new Command("merge", "Merge shard runs exactly: histogram counts added, counters summed, time series aligned; writes one run folder and report.") { runs, output, force };
        command.SetAction(parse =>
        {
            IReadOnlyList<string> folders;
            try
            {
                folders = ShardMerge.FindRuns(parse.GetValue(runs)!);
                RunResult first = ResultFile.Read(Path.Combine(folders[0], "result.json"));
                string folder = parse.GetValue(output) ?? ResultFile.FreeRunFolder("results", first.Profile + "-merged", DateTime.UtcNow);
                Console.WriteLine($"loadgen: merging {folders.Count} runs: {string.Join(", ", folders)}");
                RunResult merged = ShardMerge.MergeTo(folders, folder, parse.GetValue(force));
                RunSummary.Write(merged, folder);
                if (merged.MergeForced is { } forced)
                {
                    Console.Error.WriteLine($"merge: --force: merged although {forced}");
                }

                return RunExecution.Finish(merged, folder);
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or InvalidDataException or ArgumentException)
            {
                Console.Error.WriteLine($"merge: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    public static Command Compare()
    {
        var baseline = new Argument<string>("baseline") { Description = "The baseline run folder." };
        var candidate = new Argument<string>("candidate") { Description = "The candidate run folder." };
        var failIf = new Option<string[]>("--fail-if") { Description = "A regression gate, for example \"p99.qos1 +10%\", \"throughput -5%\" or, for two capacity runs, \"capacity -10%\"; repeatable." };
        var output = new Option<string?>("--out") { Description = "Where compare.md and the overlay chart go (default: results/compare/<baseline>-vs-<candidate>)." };
        var command = new Command("compare", "Compare two runs side by side; exit 1 when a --fail-if gate finds a regression.") { baseline, candidate, failIf, output };
        command.SetAction(parse =>
        {
            List<RegressionGate> gates;
            try
            {
                gates = (parse.GetValue(failIf) ?? []).Select(RegressionGate.Parse).ToList();
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            string basePath = parse.GetValue(baseline)!, candidatePath = parse.GetValue(candidate)!;
            RunResult b, c;
            try
            {
                b = ReportBuilder.Read(basePath);
                c = ReportBuilder.Read(candidatePath);
            }
            catch (Exception ex) when (ex is FileNotFoundException or System.Text.Json.JsonException or InvalidDataException)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            string baseName = Path.GetFileName(Path.TrimEndingDirectorySeparator(basePath));
            string candidateName = Path.GetFileName(Path.TrimEndingDirectorySeparator(candidatePath));
            if (baseName == candidateName)
            {
                (baseName, candidateName) = ("baseline", "candidate");
            }

            List<GateOutcome> outcomes = gates.Select(g => g.Check(b, c)).ToList();
            string folder = parse.GetValue(output) ?? Path.Combine("results", "compare", $"{baseName}-vs-{candidateName}");
            Console.WriteLine(RunComparison.Markdown(b, c, baseName, candidateName, outcomes));
            try
            {
                RunComparison.Write(folder, b, c, baseName, candidateName, outcomes);
                Console.WriteLine($"comparison: {folder}");
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"comparison files not written: {ex.Message}");
            }

            return outcomes.All(o => o.Passed) ? 0 : 1;
        });
        return command;
    }
}
