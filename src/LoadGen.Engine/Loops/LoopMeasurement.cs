using LoadGen.Client;

namespace LoadGen.Engine;

/// <summary>
/// What one loop model cost for one workload: N sessions publishing QoS 1 or 2 with a given window until a fixed number of
/// messages is acknowledged. CPU, allocations and context switches are the whole process's (with the embedded broker
/// they include the broker; the study says so).
/// </summary>
public sealed record LoopMeasurement
{
    /// <summary>The loop model.</summary>
    public required LoopModel Model { get; init; }

    /// <summary>Sessions.</summary>
    public required int Sessions { get; init; }

    /// <summary>Messages in flight per session.</summary>
    public required int Window { get; init; }

    /// <summary>The QoS level published at: 1 (PUBLISH→PUBACK) or 2 (PUBLISH→PUBCOMP).</summary>
    public int Qos { get; init; } = 1;

    /// <summary><c>ok</c>, or why the case stopped: <c>could not keep up: ...</c>, <c>failed: ...</c>, <c>skipped: ...</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Messages the case set out to have acknowledged.</summary>
    public long Planned { get; init; }

    /// <summary>Messages acknowledged (PUBACK or PUBCOMP received).</summary>
    public long Acknowledged { get; init; }

    /// <summary>Seconds from the first publish to the last acknowledgement (or the time limit).</summary>
    public double Seconds { get; init; }

    /// <summary>Acknowledged messages per second.</summary>
    public double MessagesPerSecond { get; init; }

    /// <summary>Handshake (PUBLISH→PUBACK or PUBCOMP) median, microseconds.</summary>
    public double P50 { get; init; }

    /// <summary>Handshake 99th percentile, microseconds.</summary>
    public double P99 { get; init; }

    /// <summary>Handshake 99.9th percentile, microseconds.</summary>
    public double P999 { get; init; }

    /// <summary>Process CPU (user + system) per acknowledged message, microseconds.</summary>
    public double CpuMicrosecondsPerMessage { get; init; }

    /// <summary>Of which system (kernel) time, microseconds.</summary>
    public double KernelMicrosecondsPerMessage { get; init; }

    /// <summary>Bytes allocated on the managed heap per message, all threads.</summary>
    public double AllocatedBytesPerMessage { get; init; }

    /// <summary>Garbage collections (all generations) per 1,000 messages.</summary>
    public double CollectionsPerThousandMessages { get; init; }

    /// <summary>Managed heap growth per connected session (0 below 100 sessions, where it is noise).</summary>
    public double ManagedBytesPerSession { get; init; }

    /// <summary>Resident set growth per connected session (0 below 100 sessions, where it is noise).</summary>
    public double ResidentBytesPerSession { get; init; }

    /// <summary>Threads in the process while the case ran.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Threads running the clients' loops while the messages ran, counted by name: one per client for a thread-per-client
    /// model, one for a single-thread model.
    /// </summary>
    public int LoopThreads { get; init; }

    /// <summary>Voluntary and involuntary context switches, all threads, per message.</summary>
    public double ContextSwitchesPerMessage { get; init; }

    /// <summary>
    /// CPU per message by kind of thread (client loop threads, the one loop thread, thread pool, socket engine, garbage
    /// collector, other), microseconds, from /proc/self/task/*/schedstat: where each model's cost goes.
    /// </summary>
    public IReadOnlyDictionary<string, double> ThreadCpuMicrosecondsPerMessage { get; init; } = new Dictionary<string, double>();
}

/// <summary>A whole <c>loadgen loops</c> study.</summary>
/// <param name="StartedUtc">When it started.</param>
/// <param name="Broker"><c>embedded</c> or the broker URL.</param>
/// <param name="Host">The machine.</param>
/// <param name="Cases">Every case, in the order run.</param>
/// <param name="LargestSessions">Per model, the largest session count that completed (0 when none did).</param>
public sealed record LoopStudyResult(DateTime StartedUtc, string Broker, HostInfo Host, IReadOnlyList<LoopMeasurement> Cases, IReadOnlyDictionary<string, int> LargestSessions);
