namespace LoadGen.Engine;

/// <summary>Percentiles of one histogram, in microseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max);

/// <summary>One SLO threshold and what was measured against it.</summary>
public sealed record SloOutcome(string Threshold, double Measured, bool Passed);

/// <summary>
/// The outcome of a run, as written to <c>result.json</c>. Latencies are microseconds; <c>Service</c> times from the
/// actual send, <c>Response</c> from the intended send. <c>Partial</c> marks a run cut short (Ctrl+C, broker crash).
/// </summary>
public sealed record RunResult
{
    /// <summary>The result schema version.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>The profile's name.</summary>
    public required string Profile { get; init; }

    /// <summary>The broker: <c>embedded</c> or its URL.</summary>
    public required string Broker { get; init; }

    /// <summary>When the run started (UTC).</summary>
    public required DateTime StartedUtc { get; init; }

    /// <summary>Measured seconds (after warm-up).</summary>
    public required double Seconds { get; init; }

    /// <summary>True when the run was cut short.</summary>
    public bool Partial { get; init; }

    /// <summary>Why it was cut short, if it was.</summary>
    public string? PartialReason { get; init; }

    /// <summary>Sessions planned across all groups.</summary>
    public int SessionsPlanned { get; init; }

    /// <summary>Counters.</summary>
    public required IReadOnlyDictionary<string, long> Counters { get; init; }

    /// <summary>Errors by reason.</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Acknowledged messages per second over the measured time.</summary>
    public double Throughput { get; init; }

    /// <summary>Errors per published message.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Service time per metric.</summary>
    public required IReadOnlyDictionary<string, LatencySummary> Service { get; init; }

    /// <summary>Response time per metric.</summary>
    public required IReadOnlyDictionary<string, LatencySummary> Response { get; init; }

    /// <summary>Each SLO and whether it held.</summary>
    public required IReadOnlyList<SloOutcome> Slos { get; init; }

    /// <summary>True when every SLO held.</summary>
    public bool Passed => Slos.All(s => s.Passed);
}
