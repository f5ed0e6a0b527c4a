namespace LoadGen.Engine.Tests.Running;

/// <summary>Small profiles run end to end against the embedded broker.</summary>
public class LoadRunnerTests
{
    private const string Profile = """
        name: tiny
        duration: 6s
        groups:
          - name: pubs
            role: publisher
            sessions: 20
            connect_rate: 500/s
            topic: "tiny/%i/%rand_4"
            qos: { 0: 1, 1: 1, 2: 1 }
            payload: 64
            stages:
              - ramping_inject: { rate: 200/s, during: 1s }
              - inject: { rate: 200/s, during: 1s }
              - pause: { during: 200ms }
              - keep_constant: { copies: 5, during: 1s }
          - name: sub
            role: subscriber
            sessions: 1
            subscriptions: [ { filter: "tiny/#", qos: 2 } ]
        slo:
          - "error_rate < 1%"
          - "p99(qos1) < 5s"
          # Six seconds from a cold process: on a slow day JIT and thread-pool ramp-up make the first stage's sends
          # late (one run in two failed the generator rule so, before and after issue 16). This test is about
          # delivery; an SLO on lag is how a profile states the lateness it accepts.
          - "p99(lag) < 5s"
        """;

    [Fact]
    public async Task ATinyMixedQoSProfileRunsEndToEndAndEveryMessageArrives()
    {
        LoadProfile profile = ProfileLoader.Parse(Profile, "tiny.yaml");
        RunResult result = await LoadRunner.RunAsync(profile, new RunOptions(), CancellationToken.None);

        Assert.False(result.Partial, result.PartialReason);
        Assert.Equal(21, result.Counters["sessions_connected"]);
        // The two open-model stages schedule exactly 100 + 200 messages; the closed-model stage adds more.
        Assert.True(result.Counters["sent"] >= 300, $"sent {result.Counters["sent"]}");
        Assert.Equal(result.Counters["sent"], result.Counters["acknowledged"]);
        // QoS 0 may be lost in principle; on loopback with a subscriber keeping up, nothing is.
        Assert.Equal(result.Counters["sent"], result.Counters["received"]);
        Assert.Equal(0, result.Counters["lost"]);
        Assert.Equal(0, result.Counters["duplicates"]);
        Assert.Empty(result.Errors);
        foreach (string metric in new[] { "connect", "suback", "qos0", "qos1", "qos2.pubrec", "qos2.pubcomp", "qos2", "e2e", "lag" })
        {
            Assert.True(result.Response.ContainsKey(metric), $"no {metric} histogram");
            Assert.True(result.Response[metric].P99 >= result.Service[metric].P99 || metric is "qos2.pubcomp" or "e2e" or "connect" or "suback" or "lag");
        }

        Assert.True(result.Passed, ResultText.Failures(result));

        // The time series adds up to the totals, and the verdict only counts the measured phase.
        Assert.Equal(result.Counters["sent"], result.Timeline.Sum(p => p.Sent));
        Assert.Equal(result.Counters["received"], result.Timeline.Sum(p => p.Received));
        Assert.Equal(RunPhase.Connect, result.Timeline[0].Phase);
        Assert.Contains(result.Timeline, p => p.Phase == RunPhase.Measure);
        Assert.Equal(result.Response["qos1"].Count, result.Timeline.Where(p => p.Phase == RunPhase.Measure)
            .Sum(p => p.Latency.TryGetValue("qos1", out IntervalLatency? l) ? l.Count : 0));
        Assert.True(result.Counters["bytes_sent"] > result.Counters["sent"] * 64, "every message carries a 64-byte payload");
        Assert.Equal(8, result.Resends.Count);
        Assert.Equal(LatencyDistribution.Percentiles.Count, result.Percentiles["qos1"].Response.Count);
    }

    [Fact]
    public async Task AnUnreachableSloFailsTheRunAndTheResultSaysWhich()
    {
        LoadProfile profile = ProfileLoader.Parse(Profile.Replace("\"p99(qos1) < 5s\"", "\"throughput >= 1000000\"", StringComparison.Ordinal), "tiny.yaml");
        RunResult result = await LoadRunner.RunAsync(profile, new RunOptions(), CancellationToken.None);
        Assert.False(result.Passed);
        SloOutcome failed = Assert.Single(result.Slos, s => !s.Passed);
        Assert.Equal("throughput >= 1000000", failed.Threshold);
    }

    [Fact]
    public async Task CancellingARunStillYieldsAResultMarkedPartial()
    {
        LoadProfile profile = ProfileLoader.Parse(Profile, "tiny.yaml");
        string folder = ResultFile.CreateRunFolder(Path.Combine(Path.GetTempPath(), "loadgen-tests"), "tiny", DateTime.UtcNow);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2.5));
        RunResult result = await LoadRunner.RunAsync(profile, new RunOptions { OutputFolder = folder }, cancel.Token);
        Assert.True(result.Partial);
        Assert.True(result.Counters["sent"] > 0);
        ResultFile.Write(result, folder);
        Assert.Contains("\"partial\": true", File.ReadAllText(Path.Combine(folder, "result.json")), StringComparison.Ordinal);
        Assert.StartsWith("cancelled", result.PartialReason, StringComparison.Ordinal);

        // The interval log was written as the run went, and holds the messages of the intervals before the cut.
        IReadOnlyList<HdrHistogram.HistogramBase> intervals = HistogramLogFile.Read(File.OpenRead(Path.Combine(folder, "latency.hlog")));
        Assert.Contains(intervals, h => h.Tag == "connect.service");
        long qos0 = intervals.Where(h => h.Tag == "qos0.service").Sum(h => h.TotalCount);
        Assert.Equal(result.Timeline.Sum(p => p.Latency.TryGetValue("qos0", out IntervalLatency? l) ? l.Count : 0), qos0);
        Assert.NotEmpty(result.Timeline);
    }
}
