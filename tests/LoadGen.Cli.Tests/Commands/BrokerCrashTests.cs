using System.Diagnostics;
using System.Text.Json;

namespace LoadGen.Cli.Tests;

/// <summary>A broker that dies mid-run: loadgen ends the run and still writes everything, marked partial.</summary>
public class BrokerCrashTests
{
    [Fact]
    public async Task AKilledBrokerStillLeavesAPartialResultWithTheSecondsBeforeIt()
    {
        MosquittoBroker broker = await MosquittoBroker.StartAsync();
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-crash-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, """
            name: crash
            duration: 60s
            groups:
              - name: pubs
                role: publisher
                sessions: 20
                topic: "crash/%i"
                qos: 1
                stages: [ { inject: { rate: 500/s, during: 50s } } ]
            """);
        using Process loadgen = LoadgenProcess.Start("run", profile, "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--out", output);

        // Let it run a while, then kill the broker outright: no DISCONNECT, no goodbye.
        var clock = Stopwatch.StartNew();
        await LoadgenProcess.WaitForIntervalsAsync(output, 2_000);

        Process.GetProcessById(broker.Pid).Kill();
        (int exit, string stdout, string error) = LoadgenProcess.Finish(loadgen);
        await broker.DisposeAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), "loadgen kept running long after its broker died");
        string folder = Assert.Single(Directory.GetDirectories(output));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json")));
        Assert.True(json.RootElement.GetProperty("partial").GetBoolean(), stdout + error);
        Assert.Contains("the broker closed every connection: connection lost", json.RootElement.GetProperty("partial_reason").GetString(), StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("counters").GetProperty("acknowledged").GetInt64() > 0);
        Assert.Contains(json.RootElement.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("connection lost", StringComparison.Ordinal));
        Assert.True(File.ReadAllLines(Path.Combine(folder, "timeseries.csv")).Length > 2);
        Assert.Contains("partial", File.ReadAllText(Path.Combine(folder, "summary.md")), StringComparison.Ordinal);
        Assert.Equal(1, exit);
    }
}
