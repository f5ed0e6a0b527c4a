using System.Diagnostics;
using LoadGen.Testing;

namespace LoadGen.Cli.Tests.Capacity;

/// <summary>
/// <c>loadgen capacity</c> against brokers whose capacity is known exactly (ours, acknowledging at most R messages a
/// second in order whatever is offered), a generator starved of CPU, and bad usage.
/// </summary>
[Collection(CapacityCollection.Name)]
public class CapacityCommandTests
{
    // Twenty QoS 1 publishers, one message in flight each: above R the acknowledgements queue, the windows fill and the
    // response time (from each message's intended send) grows for as long as the step lasts.
    private static string[] Search(MisbehavingBroker broker, double rate) =>
    [
        "-c", "20", "-i", "1", "-q", "1", "-s", "64", "-t", "cap/%i", "--broker", broker.Url,
        // From a third of R, so no ramp step lands on R itself, where passing is a coin toss.
        "--start", (rate / 3).ToString(System.Globalization.CultureInfo.InvariantCulture), "--max", (rate * 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--step-duration", "2s", "--slo", "p99(qos1) < 100ms",
    ];

    [Fact]
    public async Task KnownCapacitiesAreFoundWithinTenPercentAndCompared()
    {
        var found = new List<CapacityRun>();
        foreach (double rate in new[] { 400.0, 1600.0 })
        {
            await using var broker = MisbehavingBroker.Start(new BrokerScript { AcksPerSecond = rate });
            CapacityRun run = await CapacityRun.OfAsync(Search(broker, rate));

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("broker", run.LimitedBy);
            Assert.True(run.Confirmed, run.ToString());
            Assert.InRange(run.MaxRate, rate * 0.9, rate * 1.1);
            Assert.Contains("p99(qos1) < 100ms", run.Capacity.GetProperty("breaking").GetString(), StringComparison.Ordinal);

            // Every step kept its evidence: a run folder with its own result.json and interval log, and its figures here.
            Assert.All(run.Steps, s =>
            {
                string folder = Path.Combine(run.Folder, s.GetProperty("folder").GetString()!);
                Assert.True(File.Exists(Path.Combine(folder, "result.json")) && File.Exists(Path.Combine(folder, "latency.hlog")), folder);
                Assert.True(s.GetProperty("latency").GetProperty("qos1").GetProperty("p99").GetDouble() > 0);
            });
            Assert.Contains(run.Steps, s => s.GetProperty("phase").GetString() == "bisect");
            JsonAssert(run.Steps.Last(), "confirm", passed: true);
            Assert.All(run.Steps.Where(s => s.GetProperty("offered").GetDouble() > rate * 1.1), s => Assert.False(s.GetProperty("passed").GetBoolean(), s.ToString()));
            foreach (string file in new[] { "summary.md", "report.html", "charts/capacity.png", "charts/capacity.svg", "charts/capacity-rate.png" })
            {
                Assert.True(File.Exists(Path.Combine(run.Folder, file)), file);
            }

            Assert.Contains("## Capacity", File.ReadAllText(Path.Combine(run.Folder, "summary.md")), StringComparison.Ordinal);
            found.Add(run);
        }

        // The slower broker against the faster: a quarter of the capacity fails a 10 % gate; the other way round passes.
        string compare = Path.Combine(Path.GetTempPath(), $"loadgen-capacity-compare-{Guid.NewGuid():N}");
        (int worse, string worseOutput, _) = LoadgenProcess.Run("compare", found[1].Folder, found[0].Folder, "--fail-if", "capacity -10%", "--out", compare);
        Assert.True(worse == 1, worseOutput);
        Assert.Contains("Capacity ratio", worseOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(compare, "compare-capacity.png")));
        (int better, string betterOutput, _) = LoadgenProcess.Run("compare", found[0].Folder, found[1].Folder, "--fail-if", "capacity -10%", "--out", compare);
        Assert.True(better == 0, betterOutput);
    }

    [Fact]
    public async Task AGeneratorStarvedOfCpuIsNamedAsTheLimitNotTheBroker()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript());
        using var limit = CpuLimit.Create(0.1);

        // QoS 0 at 20,000 msg/s from a tenth of one core: the generator cannot offer it, whatever the broker does.
        CapacityRun run = await CapacityRun.OfAsync(["-c", "10", "-i", "1", "-q", "0", "-s", "64", "-t", "cap/%i", "--broker", broker.Url,
            "--start", "20000", "--max", "80000", "--step-duration", "2s"], limit.Add);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("generator", run.LimitedBy);
        Assert.Contains("add generator capacity", run.Capacity.GetProperty("verdict").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("generator", run.Steps[0].GetProperty("limited_by").GetString());
        // The search stopped at the generator's limit: a higher rate would only measure the generator again.
        Assert.Single(run.Steps);
    }

    [Fact]
    public async Task ABrokerThatNeverAcknowledgesFailsTheStartAsTheBrokersWithResultsWritten()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { NeverAck = true });
        CapacityRun run = await CapacityRun.OfAsync(["-c", "5", "-i", "1", "-q", "1", "-t", "cap/%i", "--broker", broker.Url, "--start", "50", "--step-duration", "2s"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("broker", run.LimitedBy);
        Assert.Equal(0, run.MaxRate);
        Assert.StartsWith("the broker failed even the starting rate 50 msg/s", run.Capacity.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        Assert.Single(run.Steps);
        Assert.False(run.Result.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task CtrlCEndsTheSearchWithWhatItHasWritten()
    {
        // The embedded broker, 3 s steps: Ctrl+C once the first step is judged, during the second.
        CapacityRun run = await CapacityRun.OfAsync(["-c", "5", "-i", "1", "-q", "1", "-t", "cap/%i", "--start", "100", "--step-duration", "3s"],
            process => Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit(),
            when: "capacity: step 1 ");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("the search was cancelled after 2 steps; the highest rate sustained so far was 100 msg/s, not confirmed", run.Capacity.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        Assert.Equal("cancelled (Ctrl+C)", run.Result.GetProperty("partial_reason").GetString());
        Assert.True(run.Steps[0].GetProperty("passed").GetBoolean(), run.ToString());
        Assert.True(File.Exists(Path.Combine(run.Folder, "report.html")));
    }

    [Theory]
    [InlineData("--precision", "60%", "--precision: 60 % is out of range")]
    [InlineData("--precision", "5", "--precision: \"5\" is not a percentage such as 5%")]
    [InlineData("--set", "qos=1", "--set: overrides a profile's field, and no profile was given")]
    [InlineData("--start", "0", "--start: 0 is not a rate")]
    // A search is one process choosing each step from the last one's verdict: the options of a fixed-shape run are not its.
    [InlineData("--workers", "2", "Unrecognized command or argument")]
    [InlineData("--duration", "10s", "Unrecognized command or argument")]
    [InlineData("--step-duration", "0.5s", "--step-duration: 500 ms is too short to measure")]
    public void BadUsageIsRefusedNamingTheOption(string option, string value, string message)
    {
        (int exit, string output, string error) = LoadgenProcess.Run("capacity", "-c", "2", "-t", "cap/%i", option, value);

        Assert.True(exit == 2, output + error);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AProfileWithoutARateToScaleIsRefusedNamingTheGroup()
    {
        string path = Path.Combine(Path.GetTempPath(), $"loadgen-capacity-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "name: closed\nduration: 5s\ngroups:\n  - name: devices\n    role: publisher\n    sessions: 2\n    topic: t/%i\n    qos: 1\n    stages: [ { keep_constant: { copies: 2, during: 2s } } ]\n");
        (int exit, string output, string error) = LoadgenProcess.Run("capacity", path);

        Assert.True(exit == 2, output + error);
        Assert.Contains("groups.devices.stages: capacity scales open-model rates", error, StringComparison.Ordinal);
        (int flagged, _, string flaggedError) = LoadgenProcess.Run("capacity", path, "-q", "2", "-c", "9");
        Assert.Equal(2, flagged);
        Assert.Contains("-c, -q: the pub flags describe the load when no profile is given; with a profile, change it with --set", flaggedError, StringComparison.Ordinal);
        (int none, _, string noneError) = LoadgenProcess.Run("capacity", "-c", "2");
        Assert.Equal(2, none);
        Assert.Contains("give a profile, or the pub flags with a topic", noneError, StringComparison.Ordinal);
    }

    private static void JsonAssert(System.Text.Json.JsonElement step, string phase, bool passed)
    {
        Assert.Equal(phase, step.GetProperty("phase").GetString());
        Assert.Equal(passed, step.GetProperty("passed").GetBoolean());
    }
}
