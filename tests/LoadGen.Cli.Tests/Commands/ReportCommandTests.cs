using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoadGen.Cli.Tests;

/// <summary>Every run ends with charts and report.html; <c>loadgen report</c> rebuilds them and <c>loadgen compare</c> gates regressions.</summary>
public class ReportCommandTests
{
    private static string RunOnce()
    {
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-report-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, """
            name: reported
            duration: 5s
            groups:
              - name: pubs
                role: publisher
                sessions: 4
                topic: "reported/%i"
                qos: { 0: 1, 1: 1, 2: 1 }
                stages: [ { inject: { rate: 200/s, during: 2s } } ]
              - name: sub
                role: subscriber
                sessions: 1
                subscriptions: [ { filter: "reported/#", qos: 1 } ]
            """);
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        (int exit, string stdout, string error) = LoadgenProcess.Run("run", profile, "--out", output);
        Assert.True(exit == 0, stdout + error);
        return Assert.Single(Directory.GetDirectories(output));
    }

    [Fact]
    public void ARunWritesChartsAndAReportAndLoadgenReportRebuildsThemFromTheResultAndTheLog()
    {
        string folder = RunOnce();
        string[] charts = ["latency-response", "latency-service", "throughput", "latency-over-time", "faults-over-time", "qos-cost"];
        Assert.True(File.Exists(Path.Combine(folder, "report.html")));
        Assert.All(charts, c => Assert.True(File.Exists(Path.Combine(folder, "charts", c + ".png")), c));

        Directory.Delete(Path.Combine(folder, "charts"), recursive: true);
        File.Delete(Path.Combine(folder, "report.html"));
        (int exit, string stdout, string error) = LoadgenProcess.Run("report", folder);
        Assert.True(exit == 0, stdout + error);
        Assert.All(charts, c => Assert.True(new FileInfo(Path.Combine(folder, "charts", c + ".svg")).Length > 1_000, c));
        Assert.Contains("e2e", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);

        (exit, _, error) = LoadgenProcess.Run("report", Path.GetTempPath());
        Assert.Equal(2, exit);
        Assert.Contains("no result.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CompareIsQuietOnTheSameRunAndExits1OnAConstructedRegression()
    {
        string baseline = RunOnce();
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-compare-{Guid.NewGuid():N}");
        (int exit, string stdout, string error) = LoadgenProcess.Run("compare", baseline, baseline, "--fail-if", "p99.qos1 +10%", "--fail-if", "throughput -5%", "--out", output);
        Assert.True(exit == 0, stdout + error);
        Assert.True(File.Exists(Path.Combine(output, "compare-latency.png")));

        // The candidate: the same run with QoS 1 twice as slow at p99 and a third less throughput.
        string candidate = baseline + "-slower";
        Directory.CreateDirectory(candidate);
        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(baseline, "result.json")))!;
        json["response"]!["qos1"]!["p99"] = json["response"]!["qos1"]!["p99"]!.GetValue<double>() * 2;
        json["throughput"] = json["throughput"]!.GetValue<double>() * 0.66;
        File.WriteAllText(Path.Combine(candidate, "result.json"), json.ToJsonString());

        (exit, stdout, error) = LoadgenProcess.Run("compare", baseline, candidate, "--fail-if", "p99.qos1 +10%", "--fail-if", "throughput -5%", "--fail-if", "p99.e2e +1000%", "--out", output);
        Assert.Equal(1, exit);
        Assert.Contains("REGRESSION", stdout, StringComparison.Ordinal);
        Assert.Contains("| `p99.qos1 +10%` |", stdout, StringComparison.Ordinal);
        Assert.Equal(2, stdout.Split('\n').Count(l => l.Contains("**FAIL**", StringComparison.Ordinal)));

        (exit, _, error) = LoadgenProcess.Run("compare", baseline, candidate, "--fail-if", "p99 of qos1 is worse");
        Assert.Equal(2, exit);
        Assert.Contains("for example \"p99.qos1 +10%\"", error, StringComparison.Ordinal);
    }
}
