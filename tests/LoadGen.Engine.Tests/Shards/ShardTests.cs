using HdrHistogram;

namespace LoadGen.Engine.Tests.Shards;

/// <summary>Shards: a profile's deterministic split, and the exact merge of shard results.</summary>
public class ShardTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "loadgen-shards-" + Guid.NewGuid().ToString("N"));

    private int _minWorkers, _minIo;

    public void Dispose()
    {
        if (_minWorkers > 0)
        {
            ThreadPool.SetMinThreads(_minWorkers, _minIo);
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData(10, 4)]
    [InlineData(3, 4)]
    [InlineData(100_000, 6)]
    public void ShardRangesCoverEverySessionExactlyOnce(int sessions, int shards)
    {
        int next = 0;
        for (int i = 0; i < shards; i++)
        {
            (int start, int end) = new Shard(i, shards).Range(sessions);
            Assert.Equal(next, start);
            Assert.InRange(end - start, sessions / shards, sessions / shards + 1);
            next = end;
        }

        Assert.Equal(sessions, next);
    }

    [Fact]
    public void AShardKeepsItsSessionsAndItsShareOfEveryRate()
    {
        LoadProfile profile = ProfileLoader.Parse("""
            name: split
            duration: 5s
            groups:
              - { name: subs, role: subscriber, sessions: 2, subscriptions: [ { filter: "s/#", qos: 1 } ] }
              - name: pubs
                role: publisher
                sessions: 10
                connect_rate: 100/s
                topic: "s/%i"
                stages:
                  - inject: { rate: 1000/s, during: 2s }
                  - keep_constant: { copies: 7, during: 1s }
            """, "split.yaml");
        List<LoadProfile> parts = Enumerable.Range(0, 4).Select(i => ProfileSharding.Apply(profile, new Shard(i, 4))).ToList();

        ClientGroup[] pubs = parts.Select(p => p.Groups.Single(g => g.Name == "pubs")).ToArray();
        Assert.Equal([2, 3, 2, 3], pubs.Select(g => g.Sessions));
        Assert.Equal([0, 2, 5, 7], pubs.Select(g => g.FirstSession));
        Assert.All(pubs, g => Assert.Equal(10, g.SessionsInProfile));
        Assert.Equal(1000, pubs.Sum(g => ((InjectStage)g.Stages[0]).Rate), 3);
        // Each shard sends exactly its part of the stage's 2,000 messages (a stage sends floor(rate x seconds)).
        Assert.Equal([400L, 600, 400, 600], pubs.Select(g => (long)(((InjectStage)g.Stages[0]).Rate * 2)));
        Assert.Equal(100, pubs.Sum(g => g.ConnectRate), 6);
        Assert.Equal(7, pubs.Sum(g => ((KeepConstantStage)g.Stages[1]).Copies));
        Assert.Equal(2, parts.Sum(p => p.Groups.Single(g => g.Name == "subs").Sessions));
    }

    /// <summary>
    /// Four shards with deliberately different latency distributions: the merged counts and every percentile equal
    /// those of one histogram holding all the raw values, and differ from an average of the shards' percentiles.
    /// </summary>
    [Fact]
    public void MergedPercentilesEqualThoseOfTheCombinedRawData()
    {
        var random = new Random(7);
        var everything = new LongHistogram(1, LatencyHistograms.HighestMicroseconds, 3);
        var folders = new List<string>();
        var shardP99 = new List<double>();
        DateTime start = new(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);
        for (int shard = 0; shard < 4; shard++)
        {
            // Shard 3 has a slow tail: averaging percentiles would hide most of it.
            double scale = shard == 3 ? 20_000 : 500 + 100 * shard;
            var mine = new LongHistogram(1, LatencyHistograms.HighestMicroseconds, 3);
            var timeline = new List<TimelinePoint>();
            string folder = Path.Combine(_root, $"shard-{shard}");
            Directory.CreateDirectory(folder);
            long startMs = new DateTimeOffset(start).ToUnixTimeMilliseconds() + shard * 3; // starts a few ms apart
            using (var log = new HistogramLogStream(File.Create(Path.Combine(folder, "latency.hlog")), start))
            {
                for (int second = 1; second <= 5; second++)
                {
                    var response = new LongHistogram(1, LatencyHistograms.HighestMicroseconds, 3) { Tag = "qos1.response" };
                    var service = new LongHistogram(1, LatencyHistograms.HighestMicroseconds, 3) { Tag = "qos1.service" };
                    int count = 1_000 + 250 * shard;
                    for (int k = 0; k < count; k++)
                    {
                        long value = 1 + (long)(-Math.Log(1 - random.NextDouble()) * scale);
                        response.RecordValue(value);
                        service.RecordValue(Math.Max(1, value / 2));
                        everything.RecordValue(value);
                        mine.RecordValue(value);
                    }

                    foreach (HistogramBase h in new HistogramBase[] { response, service })
                    {
                        h.StartTimeStamp = startMs + (second - 1) * 1000;
                        h.EndTimeStamp = startMs + second * 1000;
                    }

                    log.Append([service, response]);
                    timeline.Add(new TimelinePoint
                    {
                        Time = second, Seconds = 1, Phase = RunPhase.Measure, SessionsConnected = 10, Sent = count, Acknowledged = count,
                        Latency = new Dictionary<string, IntervalLatency>(),
                    });
                }
            }

            shardP99.Add(mine.GetValueAtPercentile(99));
            ResultFile.Write(Result(start.AddMilliseconds(shard * 3), timeline, $"{shard}/4"), folder);
            folders.Add(folder);
        }

        (RunResult merged, List<List<HistogramBase>> intervals) = ShardMerge.Merge(folders);

        LatencySummary qos1 = merged.Response["qos1"];
        Assert.Equal(everything.TotalCount, qos1.Count);
        Assert.Equal(everything.GetValueAtPercentile(50), qos1.P50);
        Assert.Equal(everything.GetValueAtPercentile(90), qos1.P90);
        Assert.Equal(everything.GetValueAtPercentile(99), qos1.P99);
        Assert.Equal(everything.GetValueAtPercentile(99.9), qos1.P999);
        Assert.Equal(everything.GetMaxValue(), qos1.Max);
        Assert.NotEqual(shardP99.Average(), qos1.P99, 1);
        Assert.Equal(LatencyDistribution.Percentiles.Select(p => (double)everything.GetValueAtPercentile(p)), merged.Percentiles["qos1"].Response);

        // Counters add up; the shards' seconds line up into five merged intervals, each holding all four shards.
        Assert.Equal(Enumerable.Range(0, 4).Sum(s => 5 * (1_000 + 250 * s)), merged.Counters["sent"]);
        Assert.Equal(5, merged.Timeline.Count);
        Assert.All(merged.Timeline, p => Assert.Equal(40, p.SessionsConnected));
        Assert.Equal(merged.Counters["sent"], merged.Timeline.Sum(p => p.Sent));

        Assert.Equal(5, intervals.Count);
        Assert.Equal(everything.TotalCount, intervals.Sum(batch => batch.Single(h => h.Tag == "qos1.response").TotalCount));
        Assert.Equal(4, merged.MergedFrom!.Count);
    }

    /// <summary>
    /// A profile run as four shard runs against one broker, started together: the merge holds every session and
    /// every message of the whole profile, and its latency equals the four interval logs added up.
    /// </summary>
    [Fact]
    public async Task AFourShardRunMergesToTheWholeProfile()
    {
        LoadProfile profile = ProfileLoader.Parse("""
            name: four
            duration: 5s
            groups:
              - { name: watcher, role: subscriber, sessions: 4, client_id: "watch-%i", subscriptions: [ { filter: "four/#", qos: 1 } ] }
              - name: devices
                role: publisher
                sessions: 40
                connect_rate: 400/s
                client_id: "dev-%i"
                topic: "four/%i"
                qos: 1
                payload: 32
                stages:
                  - inject: { rate: 400/s, during: 2s }
            """, "four.yaml");
        // Four runners in one process stand for four processes: each gets a thread for its start-up stretch (the
        // memory reading's full collection, the first connects), or the later ones would start when a thread frees.
        ThreadPool.GetMinThreads(out _minWorkers, out _minIo);
        ThreadPool.SetMinThreads(Math.Max(_minWorkers, 12), _minIo);
        await using EmbeddedBroker broker = await EmbeddedBroker.StartAsync();
        DateTimeOffset startAt = DateTimeOffset.UtcNow.AddSeconds(1);
        var folders = Enumerable.Range(0, 4).Select(i => Path.Combine(_root, $"shard-{i}")).ToList();
        RunResult[] shards = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            RunResult r = await LoadRunner.RunAsync(profile, new RunOptions
            {
                Broker = $"mqtt://127.0.0.1:{broker.Port}", Shard = new Shard(i, 4), StartAt = startAt, OutputFolder = folders[i],
                ProfileText = profile.Text,
            }, CancellationToken.None);
            ResultFile.Write(r, folders[i]);
            return r;
        }));

        Assert.All(shards, s => Assert.False(s.Partial, s.PartialReason));
        Assert.Equal([11, 11, 11, 11], shards.Select(s => s.SessionsPlanned));
        // Every shard starts at the common moment (within the timer's slack).
        Assert.All(shards, s => Assert.InRange((s.StartedUtc - startAt.UtcDateTime).TotalMilliseconds, -1, 500));

        (RunResult merged, _) = ShardMerge.Merge(folders);
        Assert.Equal(44, merged.Counters["sessions_connected"]);
        Assert.Equal(800, merged.Counters["sent"]);
        Assert.Equal(800, merged.Counters["acknowledged"]);
        // Each of the four subscribers sees every publisher's messages, whichever shard published them.
        Assert.Equal(3_200, merged.Counters["received"]);
        Assert.Equal(shards.Sum(s => s.Counters["sent"]), merged.Counters["sent"]);
        Assert.Equal(merged.Counters["sent"], merged.Timeline.Sum(p => p.Sent));

        // The merged audit counts what every shard sent, not only what the shards' own subscribers audited, and the
        // merge is judged by the same rules as a single run.
        QosAudit audit = Assert.Single(merged.Audit);
        Assert.Equal((1, 800L, 0L), (audit.Qos, audit.Sent, audit.Lost));
        Assert.True(merged.Passed, ResultText.Failures(merged));
        Assert.Equal(["complete", "connect", "errors", "acknowledged", "throughput", "delivery", "generator"], merged.Rules.Select(r => r.Rule));

        // The combined raw data: every shard's logged intervals, added into one histogram per tag.
        var combined = new Dictionary<string, HistogramBase>();
        for (int i = 0; i < 4; i++)
        {
            using FileStream stream = File.OpenRead(Path.Combine(folders[i], "latency.hlog"));
            foreach ((string tag, HistogramBase sum) in RunHistograms.Totals(shards[i], HistogramLogFile.Read(stream)))
            {
                if (!combined.TryGetValue(tag, out HistogramBase? all))
                {
                    combined[tag] = all = RunHistograms.Create();
                }

                all.Add(sum);
            }
        }

        foreach (string metric in new[] { "connect", "qos1", "e2e" })
        {
            Assert.Equal(RunHistograms.Summarize(combined[metric + ".response"]), merged.Response[metric]);
            Assert.Equal(RunHistograms.Summarize(combined[metric + ".service"]), merged.Service[metric]);
        }

        Assert.Equal(800, merged.Response["qos1"].Count);
        Assert.Equal(44, merged.Response["connect"].Count);
    }

    private static RunResult Result(DateTime started, List<TimelinePoint> timeline, string shard) => new()
    {
        Profile = "synthetic",
        Broker = "mqtt://127.0.0.1:1",
        StartedUtc = started,
        Seconds = timeline.Sum(p => p.Seconds),
        Shard = shard,
        SessionsPlanned = 10,
        Counters = new Dictionary<string, long> { ["sent"] = timeline.Sum(p => p.Sent), ["acknowledged"] = timeline.Sum(p => p.Acknowledged) },
        Resends = new Dictionary<string, long>(),
        Errors = new Dictionary<string, long>(),
        Service = new Dictionary<string, LatencySummary>(),
        Response = new Dictionary<string, LatencySummary>(),
        Slos = [],
        Timeline = timeline,
        Throughput = timeline.Sum(p => p.Acknowledged) / timeline.Sum(p => p.Seconds),
    };
}
