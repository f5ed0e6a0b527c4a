using LoadGen.Engine;

namespace LoadGen.Reporting.Tests;

/// <summary>A run result built from a fixed seed: the same numbers every time, for golden files and chart tests.</summary>
internal static class SampleResults
{
    public static RunResult Fixed(int seed = 7, double latencyScale = 1, double throughputScale = 1)
    {
        var random = new Random(seed);
        var timeline = new List<TimelinePoint>();
        for (int i = 1; i <= 20; i++)
        {
            RunPhase phase = i <= 2 ? RunPhase.Connect : i <= 4 ? RunPhase.Warmup : RunPhase.Measure;
            long sent = phase == RunPhase.Connect ? 0 : (long)((900 + random.Next(200)) * throughputScale);
            timeline.Add(new TimelinePoint
            {
                Time = i,
                Seconds = 1,
                Phase = phase,
                SessionsConnected = Math.Min(100, i * 50),
                Sent = sent,
                Acknowledged = sent,
                Received = sent - (i % 7 == 0 ? 1 : 0),
                Resends = i % 5 == 0 ? 3 : 0,
                Reconnects = i == 12 ? 2 : 0,
                Errors = i == 12 ? 2 : 0,
                BytesSent = sent * 120,
                BytesReceived = sent * 8,
                CpuSeconds = 0.25 + random.NextDouble() / 10,
                GcPauseSeconds = i % 4 == 0 ? 0.002 : 0,
                Latency = sent == 0 ? new Dictionary<string, IntervalLatency>() : new Dictionary<string, IntervalLatency>
                {
                    ["qos0"] = new(sent / 2, 40 * latencyScale, 120 * latencyScale, 2, 5),
                    ["qos1"] = new(sent / 3, 300 * latencyScale, 2_000 * latencyScale + random.Next(500), 150, 900),
                    ["qos2"] = new(sent / 6, 600 * latencyScale, 3_500 * latencyScale + random.Next(900), 400, 1_800),
                    ["e2e"] = new(sent, 250 * latencyScale, 1_500 * latencyScale, 250, 1_500),
                },
            });
        }

        var response = new Dictionary<string, LatencySummary>();
        var service = new Dictionary<string, LatencySummary>();
        var percentiles = new Dictionary<string, LatencyDistribution>();
        foreach ((string name, double median, double serviceShare) in new[]
        {
            ("connect", 600.0, 1.0), ("qos0", 40, 0.05), ("qos1", 300, 0.5), ("qos2.pubrec", 320, 0.5),
            ("qos2.pubcomp", 90, 1.0), ("qos2", 600, 0.6), ("e2e", 250, 1.0), ("lag", 110, 1.0),
        })
        {
            double scale = name == "connect" ? 1 : latencyScale;
            double[] r = LatencyDistribution.Percentiles.Select(p => Math.Round(median * scale * (1 + 30 * Math.Pow(p / 100, 40)))).ToArray();
            double[] s = r.Select(v => Math.Max(1, Math.Round(v * serviceShare))).ToArray();
            percentiles[name] = new LatencyDistribution(r, s);
            response[name] = Summary(r, 15_000);
            service[name] = Summary(s, 15_000);
        }

        return new RunResult
        {
            Profile = "sample",
            ProfileText = "name: sample\nduration: 20s\n",
            Broker = "mqtt://127.0.0.1:1883",
            StartedUtc = new DateTime(2026, 11, 27, 9, 0, 0, DateTimeKind.Utc),
            Seconds = 16,
            SessionsPlanned = 100,
            Counters = new Dictionary<string, long> { ["sent"] = timeline.Sum(p => p.Sent), ["acknowledged"] = timeline.Sum(p => p.Acknowledged), ["lost"] = 0 },
            Resends = new Dictionary<string, long> { ["qos1.publish.interval"] = 12, ["qos2.pubrel.interval"] = 0 },
            Errors = new Dictionary<string, long> { ["connection lost: ConnectionLost"] = 2 },
            Throughput = 1000.5 * throughputScale,
            ErrorRate = 0.0001,
            Generator = new GeneratorCost(4.25, false, 265.625, 128),
            Host = new HostInfo("test-host", "Debian GNU/Linux 12", ".NET 10.0", 2, 24L << 30),
            Memory = new MemoryFootprint(100, 3008, 3400, false, 6800),
            Service = service,
            Response = response,
            Percentiles = percentiles,
            Timeline = timeline,
            Slos = [new SloOutcome("p99(qos1) < 50ms", response["qos1"].P99, response["qos1"].P99 < 50_000), new SloOutcome("error_rate < 0.1%", 0.0001, true)],
        };
    }

    private static LatencySummary Summary(double[] ladder, long count)
    {
        double At(double p) => ladder[LatencyDistribution.Percentiles.ToList().FindIndex(x => x >= p)];
        return new LatencySummary(count, At(50), At(90), At(99), At(99.9), ladder[^1]);
    }
}
