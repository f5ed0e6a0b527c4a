using HdrHistogram;

namespace LoadGen.Engine;

/// <summary>
/// Merges shard runs into one result, exactly: latency comes from the shards' interval logs, whose histograms are
/// added count by count (percentiles are never averaged), counters are summed, and the time series is aligned on
/// wall-clock seconds since the earliest shard started (shards started with a common <c>--start-at</c> line up).
/// </summary>
public static class ShardMerge
{
    private const string LogName = "latency.hlog";

    /// <summary>
    /// The run folders among <paramref name="paths"/>: each path is a run folder (it holds <c>result.json</c>) or a
    /// folder of run folders (every subfolder that holds one, in name order).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">A path is neither.</exception>
    public static IReadOnlyList<string> FindRuns(IEnumerable<string> paths)
    {
        var runs = new List<string>();
        foreach (string path in paths)
        {
            if (File.Exists(Path.Combine(path, "result.json")))
            {
                runs.Add(path);
                continue;
            }

            string[] inside = Directory.Exists(path)
                ? Directory.GetDirectories(path).Where(d => File.Exists(Path.Combine(d, "result.json"))).Order(StringComparer.Ordinal).ToArray()
                : [];
            if (inside.Length == 0)
            {
                throw new DirectoryNotFoundException($"{path}: neither a run folder (with result.json) nor a folder of run folders");
            }

            runs.AddRange(inside);
        }

        return runs;
    }

    /// <summary>
    /// Merges the shard runs in <paramref name="folders"/> and writes the merged <c>result.json</c> and
    /// <c>latency.hlog</c> to <paramref name="output"/> (the reports are rendered from them).
    /// </summary>
    /// <param name="folders">The shard run folders.</param>
    /// <param name="output">Where the merged run goes.</param>
    /// <param name="force">Merge even what is not the shards of one run.</param>
    /// <param name="missing">Why some shards left no result (the workers that died): the merge goes on without them
    /// (every other check still applies) and the result is partial, with this reason. A merge missing shards is partial
    /// whatever allowed it.</param>
    public static RunResult MergeTo(IReadOnlyList<string> folders, string output, bool force = false, string? missing = null)
    {
        (RunResult result, List<List<HistogramBase>> intervals) = Merge(folders, force, missing);
        ResultFile.Write(result, output);
        using var log = new HistogramLogStream(File.Create(Path.Combine(output, LogName)), result.StartedUtc);
        foreach (List<HistogramBase> batch in intervals)
        {
            log.Append(batch);
        }

        return result;
    }

    /// <summary>Merges the shard runs in <paramref name="folders"/>; returns the result and the merged log, interval by interval.</summary>
    /// <remarks>
    /// Only shards of one run are merged: each a shard of the same count, of the same profile text, started within
    /// <see cref="StartTolerance"/> of the others, no shard twice. Anything else throws, unless <paramref name="force"/>
    /// merges it anyway and marks the result with what did not belong (<see cref="RunResult.MergeForced"/>).
    /// </remarks>
    /// <exception cref="ArgumentException">The runs are not shards of one run, and <paramref name="force"/> is false.</exception>
    public static (RunResult Result, List<List<HistogramBase>> Intervals) Merge(IReadOnlyList<string> folders, bool force = false, string? missing = null)
    {
        if (folders.Count == 0)
        {
            throw new ArgumentException("nothing to merge: no run folders given");
        }

        var shards = folders.Select(f => (Folder: f, Result: ResultFile.Read(Path.Combine(f, "result.json")), Log: ReadLog(f))).ToList();
        string? mismatch = Mismatch(shards.Select(s => (s.Folder, s.Result)).ToList());
        string? absent = MissingShards(shards.Select(s => s.Result).ToList());
        if (!force && (mismatch ?? (missing is null ? absent : null)) is { } refused)
        {
            throw new ArgumentException($"these are not shards of one run: {refused}; merge them anyway with --force (the result is marked forced)");
        }

        long origin = shards.Min(s => Epoch(s.Result.StartedUtc));

        // Totals per tag: every shard's intervals of the phase the run judges (connects and subscriptions over the
        // whole run, the rest over the measured phase), added.
        var totals = new Dictionary<string, HistogramBase>();
        foreach ((_, RunResult result, IReadOnlyList<HistogramBase> log) in shards)
        {
            foreach ((string tag, HistogramBase sum) in RunHistograms.Totals(result, log))
            {
                Add(totals, tag, sum);
            }
        }

        // The time series and the merged log, bucketed by whole seconds since the earliest start.
        var buckets = new SortedDictionary<long, Bucket>();
        for (int shard = 0; shard < shards.Count; shard++)
        {
            (_, RunResult result, IReadOnlyList<HistogramBase> log) = shards[shard];
            long start = Epoch(result.StartedUtc);
            var secondsHere = new Dictionary<long, double>();
            foreach (TimelinePoint point in result.Timeline)
            {
                long key = BucketOf(start + (long)(point.Time * 1000), origin);
                Bucket bucket = buckets.TryGetValue(key, out Bucket? b) ? b : buckets[key] = new Bucket();
                bucket.Add(shard, point);
                secondsHere[key] = secondsHere.GetValueOrDefault(key) + point.Seconds;
            }

            foreach ((long key, double seconds) in secondsHere)
            {
                buckets[key].Seconds = Math.Max(buckets[key].Seconds, seconds);
            }

            foreach (HistogramBase interval in log)
            {
                if (interval.Tag is { } tag)
                {
                    long key = BucketOf(interval.EndTimeStamp, origin);
                    Bucket bucket = buckets.TryGetValue(key, out Bucket? b) ? b : buckets[key] = new Bucket();
                    Add(bucket.Histograms, tag, interval);
                }
            }
        }

        List<TimelinePoint> timeline = buckets.Where(b => b.Value.Points > 0)
            .Select(b => b.Value.Point(b.Key)).ToList();
        List<List<HistogramBase>> intervals = buckets.Values.Where(b => b.Histograms.Count > 0)
            .Select(b => b.Histograms.Values.ToList()).ToList();

        List<RunResult> results = shards.Select(s => s.Result).ToList();
        RunResult first = results[0];
        var latency = new Dictionary<string, (HistogramBase Service, HistogramBase Response)>();
        foreach (string metric in totals.Keys.Select(RunHistograms.MetricOf).Distinct())
        {
            if (totals.TryGetValue(metric + ".response", out HistogramBase? r) && totals.TryGetValue(metric + ".service", out HistogramBase? s))
            {
                latency[metric] = (s, r);
            }
        }

        Dictionary<string, long> counters = SumAll(results.Select(x => x.Counters));
        RunResult mergedResult = RunResultBuilder.Build(new RunMeasurements
        {
            Profile = first.Profile,
            ProfileText = first.ProfileText,
            Broker = string.Join(", ", results.Select(x => x.Broker).Distinct()),
            StartedUtc = DateTimeOffset.FromUnixTimeMilliseconds(origin).UtcDateTime,
            Seconds = results.Max(x => x.Seconds),
            SecondsAsked = results.Max(x => x.SecondsAsked),
            // A merge without some shards is of part of the run, however it was allowed (--force, or dead workers).
            PartialReason = results.Any(x => x.Partial) || absent is not null
                ? string.Join("; ", results.Where(x => x.Partial).Select(x => $"shard {x.Shard ?? "?"}: {x.PartialReason}")
                    .Append(absent is null ? null : missing is null ? absent : $"{absent} ({missing})").OfType<string>())
                : null,
            MergeForced = mismatch ?? (missing is null ? absent : null),
            MergedFrom = folders.Select(f => Path.GetFileName(Path.TrimEndingDirectorySeparator(f))).ToList(),
            SessionsPlanned = results.Sum(x => x.SessionsPlanned),
            Counters = counters,
            Resends = SumAll(results.Select(x => x.Resends)),
            Audit = MergeAudit(results, counters),
            Faults = results.Any(x => x.Faults is not null) ? SumAll(results.Where(x => x.Faults is not null).Select(x => x.Faults!)) : null,
            Errors = SumAll(results.Select(x => x.Errors)),
            Throughput = results.Sum(x => x.Throughput),
            Generator = MergeCost(results),
            Host = first.Host,
            Memory = MergeMemory(results),
            Latency = latency,
            Timeline = timeline,
            Slos = first.Slos.Select(o => ProfileLoader.ParseSlo(o.Threshold)).ToList(),
        });
        return (mergedResult, intervals);
    }

    /// <summary>How far apart shards of one run may have started (they start together from one <c>--start-at</c>).</summary>
    public static TimeSpan StartTolerance { get; } = TimeSpan.FromSeconds(10);

    // Why these results are not the shards of one run, or null when they are.
    private static string? Mismatch(List<(string Folder, RunResult Result)> shards)
    {
        string Name((string Folder, RunResult Result) s) => Path.GetFileName(Path.TrimEndingDirectorySeparator(s.Folder));
        if (shards.FirstOrDefault(s => s.Result.Shard is null) is { Folder: not null } whole)
        {
            return $"{Name(whole)} is a whole run, not a shard (run shards with --shard i/N or --workers)";
        }

        Shard[] parsed = shards.Select(s => Shard.Parse(s.Result.Shard!)).ToArray();
        if (parsed.Select(p => p.Count).Distinct().Count() > 1)
        {
            return $"shard counts differ ({string.Join(", ", shards.Select(s => $"{Name(s)}: {s.Result.Shard}"))})";
        }

        if (parsed.Select(p => p.Index).Distinct().Count() < parsed.Length)
        {
            return $"a shard appears twice ({string.Join(", ", shards.Select(s => $"{Name(s)}: {s.Result.Shard}"))})";
        }

        if (shards.Select(s => s.Result.ProfileText ?? "").Distinct(StringComparer.Ordinal).Count() > 1)
        {
            return "they ran different profiles (profile text differs)";
        }

        DateTime first = shards.Min(s => s.Result.StartedUtc), last = shards.Max(s => s.Result.StartedUtc);
        return last - first > StartTolerance
            ? $"they started {(last - first).TotalSeconds:0} s apart, more than the {StartTolerance.TotalSeconds:0} s shards of one run may (start them with one --start-at)"
            : null;
    }

    // Which shards of the run are not among these (a crashed pod's), or null when none is: the rest would otherwise be
    // judged as if it were the whole run. Checked apart from Mismatch, so a merge that goes on without them (a dead
    // worker) is still held to every other check.
    private static string? MissingShards(List<RunResult> results)
    {
        if (results.Any(r => r.Shard is null))
        {
            return null;
        }

        Shard[] parsed = results.Select(r => Shard.Parse(r.Shard!)).ToArray();
        int[] missing = Enumerable.Range(0, parsed.Max(p => p.Count)).Except(parsed.Select(p => p.Index)).ToArray();
        return missing.Length == 0
            ? null
            : $"shard{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"{m}/{parsed[0].Count}"))} of the run {(missing.Length > 1 ? "are" : "is")} missing";
    }

    private static IReadOnlyList<HistogramBase> ReadLog(string folder)
    {
        string path = Path.Combine(folder, LogName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{folder} holds no {LogName}: latency cannot be merged exactly without it", path);
        }

        using FileStream stream = File.OpenRead(path);
        return HistogramLogFile.Read(stream);
    }

    private static long Epoch(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    // Interval ends fall on whole seconds after each shard's start (plus a few milliseconds of timer lateness).
    private static long BucketOf(long endMilliseconds, long origin) => (long)Math.Round((endMilliseconds - origin) / 1000.0, MidpointRounding.AwayFromZero);

    private static void Add(Dictionary<string, HistogramBase> sums, string tag, HistogramBase histogram)
    {
        if (!sums.TryGetValue(tag, out HistogramBase? sum))
        {
            sums[tag] = sum = RunHistograms.Create();
            sum.Tag = tag;
            sum.StartTimeStamp = histogram.StartTimeStamp;
        }

        sum.Add(histogram);
        sum.StartTimeStamp = Math.Min(sum.StartTimeStamp, histogram.StartTimeStamp);
        sum.EndTimeStamp = Math.Max(sum.EndTimeStamp, histogram.EndTimeStamp);
    }

    private static Dictionary<string, long> SumAll(IEnumerable<IReadOnlyDictionary<string, long>> tables)
    {
        var sum = new Dictionary<string, long>();
        foreach (IReadOnlyDictionary<string, long> table in tables)
        {
            foreach ((string key, long value) in table)
            {
                sum[key] = sum.GetValueOrDefault(key) + value;
            }
        }

        return sum;
    }

    // Each shard audited the publishers it ran itself, and counted gaps for the others; the counts add up, and the
    // guarantee held only if it held in every shard. What was sent comes from every shard's counters: a shard with
    // publishers and no subscriber audits nothing, yet its messages were sent.
    private static List<QosAudit> MergeAudit(List<RunResult> results, IReadOnlyDictionary<string, long> counters) =>
        results.SelectMany(r => r.Audit).GroupBy(a => a.Qos).OrderBy(g => g.Key).Select(g =>
        {
            bool passed = g.All(a => a.Passed);
            long lost = g.Sum(a => a.Lost), duplicates = g.Sum(a => a.Duplicates);
            string verdict = passed
                ? (lost > 0 || duplicates > 0 ? $"held in every shard ({lost} lost, {duplicates} duplicates, none promised against)" : "held in every shard")
                : $"broken in {g.Count(a => !a.Passed)} of {g.Count()} shards: {string.Join("; ", g.Where(a => !a.Passed).Select(a => a.Verdict))}";
            return new QosAudit(g.Key, counters.Get(RunCounterNames.SentAt(g.Key)), g.Sum(a => a.Received), lost, duplicates, g.Sum(a => a.OutOfOrder),
                g.All(a => a.Promised), passed, verdict);
        }).ToList();

    private static GeneratorCost? MergeCost(List<RunResult> results)
    {
        List<RunResult> costed = results.Where(r => r.Generator is not null).ToList();
        if (costed.Count == 0)
        {
            return null;
        }

        // Per message: total CPU over total messages, each shard's messages recovered from its own per-message cost.
        double cpu = costed.Sum(r => r.Generator!.CpuSeconds);
        double messages = costed.Sum(r => r.Generator!.CpuMicrosecondsPerMessage > 0 ? r.Generator.CpuSeconds * 1e6 / r.Generator.CpuMicrosecondsPerMessage : 0);
        double bytes = costed.Sum(r => r.Generator!.CpuMicrosecondsPerMessage > 0 ? r.Generator.WireBytesPerMessage * r.Generator.CpuSeconds * 1e6 / r.Generator.CpuMicrosecondsPerMessage : 0);
        return new GeneratorCost(cpu, costed.Any(r => r.Generator!.IncludesBroker), messages == 0 ? 0 : cpu * 1e6 / messages, messages == 0 ? 0 : bytes / messages);
    }

    private static MemoryFootprint? MergeMemory(List<RunResult> results)
    {
        List<MemoryFootprint> measured = results.Where(r => r.Memory is not null).Select(r => r.Memory!).ToList();
        int sessions = measured.Sum(m => m.Sessions);
        if (sessions == 0)
        {
            return null;
        }

        return new MemoryFootprint(sessions,
            measured.Sum(m => m.ManagedBytesPerSession * m.Sessions) / sessions,
            measured.Sum(m => m.ResidentBytesPerSession * m.Sessions) / sessions,
            measured.Any(m => m.IncludesBroker),
            measured.Sum(m => m.ProcessResidentBytesPerSession * m.Sessions) / sessions);
    }

    private sealed class Bucket
    {
        public Dictionary<string, HistogramBase> Histograms { get; } = new();

        public int Points { get; private set; }

        public double Seconds { get; set; }

        private RunPhase _phase = RunPhase.Connect;
        // A gauge: each shard's last reading in the bucket, summed over shards (a shard can close two intervals in
        // one second, at a phase change).
        private readonly Dictionary<int, int> _connected = new();
        private long _sent, _acknowledged, _received, _resends, _reconnects, _errors, _bytesSent, _bytesReceived;
        private double _cpu, _gc;

        public void Add(int shard, TimelinePoint p)
        {
            Points++;
            _phase = (RunPhase)Math.Max((int)_phase, (int)p.Phase);
            _connected[shard] = p.SessionsConnected;
            _sent += p.Sent;
            _acknowledged += p.Acknowledged;
            _received += p.Received;
            _resends += p.Resends;
            _reconnects += p.Reconnects;
            _errors += p.Errors;
            _bytesSent += p.BytesSent;
            _bytesReceived += p.BytesReceived;
            _cpu += p.CpuSeconds;
            _gc += p.GcPauseSeconds;
        }

        public TimelinePoint Point(long second)
        {
            var latency = new Dictionary<string, IntervalLatency>();
            foreach (string metric in Histograms.Keys.Select(RunHistograms.MetricOf).Distinct())
            {
                if (Histograms.TryGetValue(metric + ".service", out HistogramBase? s) && s.TotalCount > 0)
                {
                    HistogramBase? r = Histograms.GetValueOrDefault(metric + ".response");
                    latency[metric] = new IntervalLatency(s.TotalCount, At(r, 50), At(r, 99), At(s, 50), At(s, 99));
                }
            }

            return new TimelinePoint
            {
                Time = second,
                Seconds = Math.Max(0.001, Seconds),
                Phase = _phase,
                SessionsConnected = _connected.Values.Sum(),
                Sent = _sent,
                Acknowledged = _acknowledged,
                Received = _received,
                Resends = _resends,
                Reconnects = _reconnects,
                Errors = _errors,
                BytesSent = _bytesSent,
                BytesReceived = _bytesReceived,
                CpuSeconds = _cpu,
                GcPauseSeconds = _gc,
                Latency = latency,
            };
        }

        private static double At(HistogramBase? h, double percentile) => h is { TotalCount: > 0 } ? h.GetValueAtPercentile(percentile) : 0;
    }
}
