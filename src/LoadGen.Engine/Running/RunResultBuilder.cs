using HdrHistogram;
using LoadGen.Client;

namespace LoadGen.Engine;

/// <summary>
/// What a run measured, before anything is derived from it: the input of <see cref="RunResultBuilder"/>. A single run
/// fills it from its live histograms and counters; a shard merge from the shards' added histograms and summed counters.
/// </summary>
public sealed record RunMeasurements
{
    /// <summary>The profile's name.</summary>
    public required string Profile { get; init; }

    /// <summary>The profile's YAML as run.</summary>
    public string? ProfileText { get; init; }

    /// <summary>The broker, as given.</summary>
    public required string Broker { get; init; }

    /// <summary>When the run started.</summary>
    public required DateTime StartedUtc { get; init; }

    /// <summary>Seconds measured (the measured phase).</summary>
    public double Seconds { get; init; }

    /// <summary>Seconds the run was asked to last.</summary>
    public double SecondsAsked { get; init; }

    /// <summary>Why the run ended early (cancelled, a broker gone, an engine failure), or null when it ran its course.</summary>
    public string? PartialReason { get; init; }

    /// <summary>The shard this run was (<c>i/N</c>), or null.</summary>
    public string? Shard { get; init; }

    /// <summary>The run folders a merge was made from.</summary>
    public IReadOnlyList<string>? MergedFrom { get; init; }

    /// <summary>What did not belong in a merge made with <c>--force</c>.</summary>
    public string? MergeForced { get; init; }

    /// <summary>Sessions the profile asked for.</summary>
    public int SessionsPlanned { get; init; }

    /// <summary>The counters, by <see cref="RunCounterNames"/> name.</summary>
    public IReadOnlyDictionary<string, long> Counters { get; init; } = new Dictionary<string, long>();

    /// <summary>Resends by packet and cause (<see cref="RunResultBuilder.ResendKey"/>).</summary>
    public IReadOnlyDictionary<string, long> Resends { get; init; } = new Dictionary<string, long>();

    /// <summary>The delivery audit, per QoS.</summary>
    public IReadOnlyList<QosAudit> Audit { get; init; } = [];

    /// <summary>Faults injected, by kind.</summary>
    public IReadOnlyDictionary<string, long>? Faults { get; init; }

    /// <summary>Errors by reason (<see cref="ErrorReasons"/>).</summary>
    public IReadOnlyDictionary<string, long> Errors { get; init; } = new Dictionary<string, long>();

    /// <summary>Acknowledged messages per second over the measured phase.</summary>
    public double Throughput { get; init; }

    /// <summary>Seconds from the end of the stages until nothing was in flight; null when the run ended before it drained.</summary>
    public double? DrainSeconds { get; init; }

    /// <summary>The generator's own cost.</summary>
    public GeneratorCost? Generator { get; init; }

    /// <summary>The machine.</summary>
    public HostInfo? Host { get; init; }

    /// <summary>Memory per session.</summary>
    public MemoryFootprint? Memory { get; init; }

    /// <summary>Per metric name, the service-time and response-time histograms the run judges (empty ones are left out).</summary>
    public IReadOnlyDictionary<string, (HistogramBase Service, HistogramBase Response)> Latency { get; init; } =
        new Dictionary<string, (HistogramBase Service, HistogramBase Response)>();

    /// <summary>The time series.</summary>
    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];

    /// <summary>The profile's SLOs.</summary>
    public IReadOnlyList<SloThreshold> Slos { get; init; } = [];
}

/// <summary>
/// The one place a <see cref="RunResult"/> is made, for a single run, a shard merge and a run that failed before it
/// measured anything: latency summaries and distributions from the histograms, resend rates from the resend counts,
/// then <see cref="RunVerdict"/>'s rules. A merge adds histograms and counters first and comes here like any run, so
/// no figure or rule is derived twice.
/// </summary>
public static class RunResultBuilder
{
    /// <summary>The key of a resend count: <c>qos1.publish.interval</c>, <c>qos2.pubrel.reconnect</c>, ...</summary>
    public static string ResendKey(ResendCounters.Kind kind, ResendCause cause) =>
        $"{kind switch { ResendCounters.Kind.PublishQoS1 => "qos1.publish", ResendCounters.Kind.PublishQoS2 => "qos2.publish", ResendCounters.Kind.PubRel => "qos2.pubrel", _ => "qos2.pubrec" }}.{CauseName(cause)}";

    /// <summary>The table of every resend count in <paramref name="resends"/>, by <see cref="ResendKey"/>.</summary>
    public static Dictionary<string, long> ResendTable(ResendCounters resends)
    {
        var table = new Dictionary<string, long>();
        foreach (ResendCounters.Kind kind in Enum.GetValues<ResendCounters.Kind>())
        {
            foreach (ResendCause cause in Enum.GetValues<ResendCause>())
            {
                table[ResendKey(kind, cause)] = resends[kind, cause];
            }
        }

        return table;
    }

    private static string CauseName(ResendCause cause) => cause == ResendCause.Interval ? "interval" : "reconnect";

    /// <summary>
    /// The result of a run that failed outside the engine's own handling (before it measured, or while its result was
    /// built): nothing measured, marked partial with the failure, so a result.json still says what happened.
    /// </summary>
    public static RunResult Failed(LoadProfile profile, string broker, Exception exception, int? sessions = null) => Build(new RunMeasurements
    {
        Profile = profile.Name,
        ProfileText = profile.Text,
        Broker = broker,
        StartedUtc = DateTime.UtcNow,
        SecondsAsked = profile.Duration.TotalSeconds,
        PartialReason = $"engine failure: {exception.GetType().Name}: {exception.Message}",
        SessionsPlanned = sessions ?? profile.Groups.Sum(g => g.Sessions),
        Slos = profile.Slos,
    });

    /// <summary>Derives every figure and verdict from <paramref name="m"/>.</summary>
    public static RunResult Build(RunMeasurements m)
    {
        var service = new Dictionary<string, LatencySummary>();
        var response = new Dictionary<string, LatencySummary>();
        var percentiles = new Dictionary<string, LatencyDistribution>();
        // In the metric table's order, whatever order the histograms came in: every report lists them that way.
        foreach ((string metric, (HistogramBase s, HistogramBase r)) in m.Latency.OrderBy(l => LatencyMetrics.OrderOf(l.Key)))
        {
            if (s.TotalCount > 0)
            {
                service[metric] = RunHistograms.Summarize(s);
                response[metric] = RunHistograms.Summarize(r);
                percentiles[metric] = RunHistograms.Distribution(r, s);
            }
        }

        var counters = new Dictionary<string, long>(m.Counters) { [RunCounter.Lost.Name()] = m.Audit.Sum(a => a.Lost) };
        return RunVerdict.Judge(new RunResult
        {
            Profile = m.Profile,
            ProfileText = m.ProfileText,
            Broker = m.Broker,
            StartedUtc = m.StartedUtc,
            Seconds = m.Seconds,
            SecondsAsked = m.SecondsAsked,
            Partial = m.PartialReason is not null,
            PartialReason = m.PartialReason,
            Shard = m.Shard,
            MergedFrom = m.MergedFrom,
            MergeForced = m.MergeForced,
            SessionsPlanned = m.SessionsPlanned,
            Counters = counters,
            Resends = m.Resends,
            ResendRates = ResendRates(m.Resends, counters),
            Audit = m.Audit,
            Faults = m.Faults,
            Errors = m.Errors,
            Throughput = m.Throughput,
            DrainSeconds = m.DrainSeconds,
            Generator = m.Generator,
            Host = m.Host,
            Memory = m.Memory,
            Service = service,
            Response = response,
            Percentiles = percentiles,
            Timeline = m.Timeline,
            Slos = [],
        }, m.Slos);
    }

    // Resends per message published at that QoS, by cause: QoS 1 resends PUBLISH, QoS 2 PUBLISH and PUBREL.
    private static Dictionary<string, double> ResendRates(IReadOnlyDictionary<string, long> resends, IReadOnlyDictionary<string, long> counters)
    {
        var rates = new Dictionary<string, double>();
        foreach ((int qos, ResendCounters.Kind[] kinds) in new[] { (1, new[] { ResendCounters.Kind.PublishQoS1 }), (2, new[] { ResendCounters.Kind.PublishQoS2, ResendCounters.Kind.PubRel }) })
        {
            long sentAt = counters.Get(RunCounterNames.SentAt(qos));
            foreach (ResendCause cause in Enum.GetValues<ResendCause>())
            {
                long count = kinds.Sum(k => resends.GetValueOrDefault(ResendKey(k, cause)));
                rates[$"qos{qos}.{CauseName(cause)}"] = sentAt == 0 ? 0 : (double)count / sentAt;
            }
        }

        return rates;
    }
}
