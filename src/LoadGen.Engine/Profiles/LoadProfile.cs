namespace LoadGen.Engine;

/// <summary>A load profile as read from YAML: what to run against which broker, for how long, and what must hold.</summary>
public sealed record LoadProfile
{
    /// <summary>The profile's name, used in result folder names.</summary>
    public required string Name { get; init; }

    /// <summary><c>embedded</c> for the in-process broker, or an <c>mqtt://host:port</c> URL.</summary>
    public required string Broker { get; init; }

    /// <summary>The hard limit on the run's length.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The start of the run that is measured but left out of the results.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>
    /// The open-model scheduler's tick: it wakes at most this often and sends every message due by then, each
    /// still timed from its own intended moment. Finer ticks cut generator lag and cost CPU: at 10,000 msg/s,
    /// 0 (a wake-up per message) cost 92 µs per message, 250 µs about 70, 1 ms 43, with lag p50 0.06, 0.2 and 0.7 ms.
    /// </summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromMicroseconds(250);

    /// <summary>Faults to inject: when set, sessions connect through an in-process <see cref="FaultProxy"/>.</summary>
    public FaultPlan? Faults { get; init; }

    /// <summary>The client groups.</summary>
    public required IReadOnlyList<ClientGroup> Groups { get; init; }

    /// <summary>The <c>--set</c> overrides applied to <see cref="SourceFile"/>, in order.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>The share of the profile this process runs (see <see cref="ProfileSharding"/>).</summary>
    public Shard Shard { get; init; } = Shard.Whole;

    /// <summary>The thresholds that decide the exit code.</summary>
    public IReadOnlyList<SloThreshold> Slos { get; init; } = [];

    /// <summary>The file the profile came from.</summary>
    public string SourceFile { get; init; } = "";

    /// <summary>The profile's YAML as run, with any <c>--set</c> overrides listed after it, credential values masked.</summary>
    public string Text { get; init; } = "";
}
