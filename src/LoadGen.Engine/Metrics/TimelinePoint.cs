namespace LoadGen.Engine;

/// <summary>Which part of a run an interval belongs to. Only <see cref="Measure"/> intervals count in the verdict.</summary>
public enum RunPhase
{
    /// <summary>Sessions connecting and subscribing.</summary>
    Connect,
    /// <summary>Stages running, inside the profile's warm-up.</summary>
    Warmup,
    /// <summary>Stages running, measured.</summary>
    Measure,
}

/// <summary>
/// One interval of a run's time series (normally a second; phase changes cut an interval short). Counts are for
/// the interval alone; rates divide them by <see cref="Seconds"/>. Latencies are microseconds.
/// </summary>
public sealed record TimelinePoint
{
    /// <summary>Seconds from the start of the run to the end of the interval.</summary>
    public required double Time { get; init; }

    /// <summary>The interval's length in seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>The phase the interval belongs to.</summary>
    public required RunPhase Phase { get; init; }

    /// <summary>Sessions connected at the end of the interval.</summary>
    public int SessionsConnected { get; init; }

    /// <summary>Messages published.</summary>
    public long Sent { get; init; }

    /// <summary>Handshakes completed (QoS 0: written).</summary>
    public long Acknowledged { get; init; }

    /// <summary>Messages delivered to subscribers.</summary>
    public long Received { get; init; }

    /// <summary>Packets sent again (PUBLISH with DUP, PUBREL, PUBREC).</summary>
    public long Resends { get; init; }

    /// <summary>Sessions that connected again after losing their connection.</summary>
    public long Reconnects { get; init; }

    /// <summary>Errors of any reason.</summary>
    public long Errors { get; init; }

    /// <summary>Bytes written to brokers by all sessions.</summary>
    public long BytesSent { get; init; }

    /// <summary>Bytes read from brokers by all sessions.</summary>
    public long BytesReceived { get; init; }

    /// <summary>CPU time the whole process used (user and system), embedded broker included when there is one.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Time the process spent paused for garbage collection: the generator's own stalls, part of its lag.</summary>
    public double GcPauseSeconds { get; init; }

    /// <summary>Percentiles per metric that had events in the interval.</summary>
    public required IReadOnlyDictionary<string, IntervalLatency> Latency { get; init; }
}

/// <summary>One metric's percentiles over one interval, in microseconds.</summary>
/// <param name="Count">Events in the interval.</param>
/// <param name="ResponseP50">Median response time (from the intended send).</param>
/// <param name="ResponseP99">99th percentile response time.</param>
/// <param name="ServiceP50">Median service time (from the actual send).</param>
/// <param name="ServiceP99">99th percentile service time.</param>
public sealed record IntervalLatency(long Count, double ResponseP50, double ResponseP99, double ServiceP50, double ServiceP99);
