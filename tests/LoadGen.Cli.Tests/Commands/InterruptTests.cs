using System.Diagnostics;
using System.Text.Json;

namespace LoadGen.Cli.Tests;

/// <summary>Ctrl+C (SIGINT) ends a run early and still writes every file, marked partial.</summary>
public class InterruptTests
{
    [Fact]
    public async Task SigintWritesEverythingGatheredSoFarMarkedPartial()
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        string profile = LongProfile("interrupted");
        using Process loadgen = LoadgenProcess.Start("run", profile, "--out", output);

        // Wait until a few intervals are on disk, then press Ctrl+C.
        var clock = Stopwatch.StartNew();
        await LoadgenProcess.WaitForIntervalsAsync(output, 4_000);

        using (Process kill = Process.Start("kill", ["-INT", loadgen.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        (int exit, string stdout, string error) = LoadgenProcess.Finish(loadgen);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), "loadgen did not stop soon after Ctrl+C");
        Assert.Equal(1, exit);
        string folder = Assert.Single(Directory.GetDirectories(output));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json")));
        Assert.True(json.RootElement.GetProperty("partial").GetBoolean(), stdout + error);
        Assert.Equal("cancelled (Ctrl+C)", json.RootElement.GetProperty("partial_reason").GetString());
        Assert.True(json.RootElement.GetProperty("counters").GetProperty("acknowledged").GetInt64() > 100);
        foreach (string file in new[] { "summary.md", "timeseries.csv", "latency.hlog", "report.html" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"no {file}");
        }
    }

    [Fact]
    public async Task SigintToAWorkersRunStillMergesWhatEveryWorkerGathered()
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        string profile = LongProfile("interrupted-workers");
        using Process loadgen = LoadgenProcess.Start("run", profile, "--workers", "2", "--out", output, "--name", "run");

        // Wait until the first worker has a few intervals on disk, then Ctrl+C the parent alone: it passes the
        // signal on, waits for both workers' results and merges them.
        var clock = Stopwatch.StartNew();
        string firstLog = Path.Combine(output, "run", "shards", "shard-0", "latency.hlog");
        while (!(File.Exists(firstLog) && new FileInfo(firstLog).Length >= 4_000) && clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            await Task.Delay(100);
        }

        using (Process kill = Process.Start("kill", ["-INT", loadgen.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        (int exit, string stdout, string error) = LoadgenProcess.Finish(loadgen);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(55), "the workers did not stop soon after Ctrl+C");
        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "run", "result.json")));
        Assert.True(json.RootElement.GetProperty("partial").GetBoolean(), stdout + error);
        Assert.Contains("cancelled (Ctrl+C)", json.RootElement.GetProperty("partial_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, json.RootElement.GetProperty("merged_from").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("counters").GetProperty("acknowledged").GetInt64() > 100);
        Assert.True(File.Exists(Path.Combine(output, "run", "report.html")), stdout + error);
    }

    // A minute of QoS 1 load from 10 sessions: long enough that only Ctrl+C ends it.
    private static string LongProfile(string name)
    {
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-{name}-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, $$"""
            name: {{name}}
            duration: 60s
            groups:
              - name: pubs
                role: publisher
                sessions: 10
                topic: "sigint/%i"
                qos: 1
                stages: [ { inject: { rate: 300/s, during: 55s } } ]
            """);
        return profile;
    }
}
