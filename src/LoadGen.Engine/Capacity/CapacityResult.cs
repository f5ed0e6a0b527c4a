namespace LoadGen.Engine;

/// <summary>What limited a capacity search: the part that broke first as the offered rate rose.</summary>
public enum LimitedBy
{
    /// <summary>Nothing broke up to the search's <c>--max</c>: the capacity is at least that.</summary>
    None,
    /// <summary>The broker: an SLO or a default rule broke on what the broker did.</summary>
    Broker,
    /// <summary>The generator: it could not offer the rate (late sends, its CPU), so the broker was not the limit.</summary>
    Generator,
    /// <summary>The network or the connection limit: connects failed or connections were reset at the socket.</summary>
    Network,
}

/// <summary>A metric's percentiles in one step, response and service time, in microseconds.</summary>
public sealed record StepLatency(double P50, double P99, double P999, double ServiceP50, double ServiceP99, double ServiceP999);

/// <summary>One step of a capacity search: a full measured run at one offered rate.</summary>
public sealed record CapacityStep
{
    /// <summary>The step's place in the search, from 1.</summary>
    public required int Index { get; init; }

    /// <summary><c>ramp</c> (geometric), <c>bisect</c> or <c>confirm</c>.</summary>
    public required string Phase { get; init; }

    /// <summary>The rate asked of the generator, messages per second over every publisher.</summary>
    public required double Offered { get; init; }

    /// <summary>Messages per second the generator sent in the measured step.</summary>
    public double Sent { get; init; }

    /// <summary>Messages per second acknowledged (QoS 0: written) in the measured step.</summary>
    public double Achieved { get; init; }

    /// <summary>True when the step held every SLO and rule and the broker kept up with the offered rate.</summary>
    public required bool Passed { get; init; }

    /// <summary>What broke, in words (the first failed SLO or rule), or null when the step passed.</summary>
    public string? Broke { get; init; }

    /// <summary>Who is to blame for what broke; null when the step passed.</summary>
    public LimitedBy? LimitedBy { get; init; }

    /// <summary>Percentiles per latency metric the step measured.</summary>
    public IReadOnlyDictionary<string, StepLatency> Latency { get; init; } = new Dictionary<string, StepLatency>();

    /// <summary>Errors counted in the step.</summary>
    public long Errors { get; init; }

    /// <summary>Messages the delivery audit found lost.</summary>
    public long Lost { get; init; }

    /// <summary>The generator's CPU as a share of every core of the machine (0 to 1).</summary>
    public double GeneratorCpu { get; init; }

    /// <summary>True when that CPU includes an in-process (embedded) broker's.</summary>
    public bool GeneratorCpuIncludesBroker { get; init; }

    /// <summary>The generator's scheduling lag at p99, microseconds.</summary>
    public double GeneratorLagP99 { get; init; }

    /// <summary>Seconds the broker took, after the step's last send, to acknowledge what was in flight; null when it had not within the drain allowance.</summary>
    public double? DrainSeconds { get; init; }

    /// <summary>
    /// Seconds after the step until the broker answered a probe as fast as at rest again (<see cref="BrokerProbe"/>),
    /// before the next step began; null when it was not probed (an in-process broker, TLS or WebSocket) or did not recover.
    /// </summary>
    public double? RecoverySeconds { get; init; }

    /// <summary>The step's measured seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>The step's run folder, relative to the search's folder.</summary>
    public string? Folder { get; init; }
}

/// <summary>The answer of <c>loadgen capacity</c>: the highest rate sustained within the SLOs, who limited it, and every step.</summary>
public sealed record CapacityResult
{
    /// <summary>The capacity found: the highest confirmed sustained rate, messages per second; 0 when even the start failed.</summary>
    public required double MaxRate { get; init; }

    /// <summary>What limited the search.</summary>
    public required LimitedBy LimitedBy { get; init; }

    /// <summary>What broke first above the capacity (an SLO or rule, with its figure), or null.</summary>
    public string? Breaking { get; init; }

    /// <summary>True when a hold at the found rate for two step durations passed.</summary>
    public bool Confirmed { get; init; }

    /// <summary>The rate a failed confirmation lowered the answer from, or null.</summary>
    public double? LoweredFrom { get; init; }

    /// <summary>True when a capacity was found and confirmed, and the generator did not limit the search.</summary>
    public required bool Passed { get; init; }

    /// <summary>The step whose run <c>result.json</c> holds in full: the confirmation, or the step that ended the search.</summary>
    public int BackedBy { get; init; }

    /// <summary>The verdict in a sentence.</summary>
    public required string Verdict { get; init; }

    /// <summary>The search's starting rate.</summary>
    public double Start { get; init; }

    /// <summary>The highest rate the search would try.</summary>
    public double Max { get; init; }

    /// <summary>The bisection's precision, as a fraction.</summary>
    public double Precision { get; init; }

    /// <summary>Seconds each step measured (a confirmation twice that).</summary>
    public double StepSeconds { get; init; }

    /// <summary>Wall-clock seconds the whole search took.</summary>
    public double SearchSeconds { get; init; }

    /// <summary>The SLOs that defined "sustained", as written.</summary>
    public IReadOnlyList<string> Slos { get; init; } = [];

    /// <summary>SLOs the search did not judge steps by, as written: throughput floors, which every step below them would fail.</summary>
    public IReadOnlyList<string> SetAside { get; init; } = [];

    /// <summary>Every step, in the order run.</summary>
    public IReadOnlyList<CapacityStep> Steps { get; init; } = [];
}
