namespace LoadGen.Engine;

/// <summary>Percentiles of one histogram, in microseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max);

/// <summary>One SLO threshold and what was measured against it.</summary>
/// <param name="Threshold">The threshold as written.</param>
/// <param name="Measured">The measured value (microseconds, a fraction or msg/s), or null when the run has no data for it.</param>
/// <param name="Passed">True when it held; an SLO with no data fails.</param>
public sealed record SloOutcome(string Threshold, double? Measured, bool Passed)
{
    /// <summary>The measured value with its unit, for people: <c>3.28 ms</c>, <c>0.5 %</c>, <c>no data</c>.</summary>
    public string Shown { get; init; } = Measured?.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) ?? "no data";
}

/// <summary>
/// The outcome of a run, as written to <c>result.json</c>. Latencies are microseconds; <c>Service</c> times from the
/// actual send, <c>Response</c> from the intended send. <c>Partial</c> marks a run cut short (Ctrl+C, broker crash).
/// </summary>
public sealed record RunResult
{
    /// <summary>The result schema version.</summary>
    public int SchemaVersion { get; init; } = 2;

    /// <summary>The profile's name.</summary>
    public required string Profile { get; init; }

    /// <summary>The profile's YAML as run (after <c>--set</c> overrides), when known.</summary>
    public string? ProfileText { get; init; }

    /// <summary>The broker: <c>embedded</c> or its URL.</summary>
    public required string Broker { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTime StartedUtc { get; init; }

    /// <summary>Measured seconds (after warm-up).</summary>
    public required double Seconds { get; init; }

    /// <summary>The duration the run was asked to last (the profile's or <c>--duration</c>), in seconds.</summary>
    public double SecondsAsked { get; init; }

    /// <summary>True when the run was cut short.</summary>
    public bool Partial { get; init; }

    /// <summary>Why it was cut short, if it was.</summary>
    public string? PartialReason { get; init; }

    /// <summary>The shard this run was (<c>i/N</c>), or null for a whole profile.</summary>
    public string? Shard { get; init; }

    /// <summary>For a merged run: the shard run folders it was merged from, in shard order.</summary>
    public IReadOnlyList<string>? MergedFrom { get; init; }

    /// <summary>For a merge of runs that were not shards of one run, merged anyway with <c>--force</c>: why they did not belong together.</summary>
    public string? MergeForced { get; init; }

    /// <summary>Sessions planned across all groups.</summary>
    public int SessionsPlanned { get; init; }

    /// <summary>Counters.</summary>
    public required IReadOnlyDictionary<string, long> Counters { get; init; }

    /// <summary>Resends by packet and cause, for example <c>qos1.publish.reconnect</c>.</summary>
    public required IReadOnlyDictionary<string, long> Resends { get; init; }

    /// <summary>Resends per message published at that QoS, by cause: <c>qos1.interval</c>, <c>qos1.reconnect</c>, <c>qos2.interval</c>, <c>qos2.reconnect</c>.</summary>
    public IReadOnlyDictionary<string, double> ResendRates { get; init; } = new Dictionary<string, double>();

    /// <summary>The QoS guarantee audit, one entry per QoS that was published and subscribed to.</summary>
    public IReadOnlyList<QosAudit> Audit { get; init; } = [];

    /// <summary>What the fault proxy did, when the profile had faults.</summary>
    public IReadOnlyDictionary<string, long>? Faults { get; init; }

    /// <summary>Errors by reason.</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Acknowledged messages per second over the measured time.</summary>
    public double Throughput { get; init; }

    /// <summary>
    /// Seconds from the end of the stages until nothing was in flight: how long the broker took to catch up with what it
    /// had been given. Null when the run ended before it drained (its duration ran out, a merge).
    /// </summary>
    public double? DrainSeconds { get; init; }

    /// <summary>Errors per published message.</summary>
    public double ErrorRate { get; init; }

    /// <summary>What the generator itself spent.</summary>
    public GeneratorCost? Generator { get; init; }

    /// <summary>The machine the run was on.</summary>
    public HostInfo? Host { get; init; }

    /// <summary>What the connected, idle sessions cost in memory, measured before the stages start.</summary>
    public MemoryFootprint? Memory { get; init; }

    /// <summary>Service time per metric.</summary>
    public required IReadOnlyDictionary<string, LatencySummary> Service { get; init; }

    /// <summary>Response time per metric.</summary>
    public required IReadOnlyDictionary<string, LatencySummary> Response { get; init; }

    /// <summary>Each metric's distribution at <see cref="LatencyDistribution.Percentiles"/>, for charts.</summary>
    public IReadOnlyDictionary<string, LatencyDistribution> Percentiles { get; init; } = new Dictionary<string, LatencyDistribution>();

    /// <summary>The time series, one point per interval.</summary>
    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];

    /// <summary>Each SLO and whether it held.</summary>
    public required IReadOnlyList<SloOutcome> Slos { get; init; }

    /// <summary>A capacity search's answer and steps, when this run backs one (<c>loadgen capacity</c>); null otherwise.</summary>
    public CapacityResult? Capacity { get; init; }

    /// <summary>The default rules every run is judged by (<see cref="RunVerdict"/>), each with what was found.</summary>
    public IReadOnlyList<VerdictRule> Rules { get; init; } = [];

    /// <summary>
    /// True when the run went its full length, every default rule and every SLO held, and no QoS guarantee broke; a
    /// run cut short never passes.
    /// </summary>
    public bool Passed => !Partial && Rules.All(r => r.Passed) && Slos.All(s => s.Passed) && Audit.All(a => a.Passed);
}

/// <summary>A metric's response and service times at <see cref="Percentiles"/>, in microseconds.</summary>
/// <param name="Response">Response time at each percentile.</param>
/// <param name="Service">Service time at each percentile.</param>
public sealed record LatencyDistribution(IReadOnlyList<double> Response, IReadOnlyList<double> Service)
{
    /// <summary>
    /// The percentiles the distributions are given at: HdrHistogram's ladder with five steps per halving of what is
    /// left, 100·(1 − 2^(−k/5)) for k = 0 to 83 (0 % to 99.999 %), then 100 (the maximum).
    /// </summary>
    public static IReadOnlyList<double> Percentiles { get; } =
        Enumerable.Range(0, 84).Select(k => Math.Round(100 * (1 - Math.Pow(2, -k / 5.0)), 6)).Append(100).ToArray();
}

/// <summary>The generator's own cost over the measured phase.</summary>
/// <param name="CpuSeconds">Process CPU time (user and system).</param>
/// <param name="IncludesBroker">True when the broker ran in the same process (the embedded one), whose CPU is then included.</param>
/// <param name="CpuMicrosecondsPerMessage">CPU time per message sent.</param>
/// <param name="WireBytesPerMessage">Bytes written and read by all sessions per message sent, MQTT framing included.</param>
public sealed record GeneratorCost(double CpuSeconds, bool IncludesBroker, double CpuMicrosecondsPerMessage, double WireBytesPerMessage);

/// <summary>The machine a run was on.</summary>
/// <param name="MachineName">The host name.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Runtime">The .NET runtime.</param>
/// <param name="ProcessorCount">Logical processors.</param>
/// <param name="MemoryBytes">Memory the runtime can use.</param>
public sealed record HostInfo(string MachineName, string Os, string Runtime, int ProcessorCount, long MemoryBytes)
{
    /// <summary>This machine.</summary>
    public static HostInfo Current => new(Environment.MachineName, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
}

/// <summary>One QoS level's guarantee audit, from the subscribers' per-publisher sequence numbers.</summary>
/// <param name="Qos">0, 1 or 2.</param>
/// <param name="Sent">Messages published at this QoS.</param>
/// <param name="Received">Deliveries at this QoS, over all subscribers.</param>
/// <param name="Lost">Messages some subscriber that heard from the publisher never got.</param>
/// <param name="Duplicates">Deliveries of a message a subscriber already had.</param>
/// <param name="OutOfOrder">Deliveries that filled an earlier gap.</param>
/// <param name="Promised">True when the setup promises the guarantee: subscribers kept their connection or a persistent session, and the broker dropped nothing.</param>
/// <param name="Passed">False only when a promised guarantee broke (QoS 1 lost, QoS 2 lost or duplicated).</param>
/// <param name="Verdict">In words.</param>
public sealed record QosAudit(int Qos, long Sent, long Received, long Lost, long Duplicates, long OutOfOrder, bool Promised, bool Passed, string Verdict);
