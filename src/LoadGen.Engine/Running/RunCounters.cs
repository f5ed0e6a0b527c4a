using System.Collections.Concurrent;

namespace LoadGen.Engine;

/// <summary>
/// What a run counts, updated from many sessions at once: one slot per <see cref="RunCounter"/>, so a counter is
/// read and written by its member everywhere and named in one place, and errors by reason.
/// </summary>
public sealed class RunCounters
{
    private readonly long[] _values = new long[Enum.GetValues<RunCounter>().Length];

    /// <summary>How late the generator may send an open-model message, by its own doing, before it counts as late.</summary>
    public static TimeSpan LateThreshold { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Errors by reason (a CONNACK refusal, a protocol violation, a failed PUBACK, a lost connection).</summary>
    public ConcurrentDictionary<string, long> ErrorsByReason { get; } = new();

    /// <summary>A counter's value now.</summary>
    public long this[RunCounter counter] => Interlocked.Read(ref _values[(int)counter]);

    /// <summary>All errors.</summary>
    public long Errors => ErrorsByReason.Values.Sum();

    /// <summary>Messages published at <paramref name="qos"/>.</summary>
    public long SentAt(int qos) => this[RunCounterNames.SentAt(qos)];

    /// <summary>Messages at <paramref name="qos"/> whose handshake completed successfully (QoS 0: written).</summary>
    public long AcknowledgedAt(int qos) => this[RunCounterNames.AcknowledgedAt(qos)];

    /// <summary>Every counter by its <c>result.json</c> name.</summary>
    public Dictionary<string, long> Snapshot() => Enum.GetValues<RunCounter>().ToDictionary(c => c.Name(), c => this[c]);

    internal void Add(RunCounter counter, long amount = 1) => Interlocked.Add(ref _values[(int)counter], amount);

    // For figures computed once at the end (bytes, in flight, per-session sums): the value as measured.
    internal void Set(RunCounter counter, long value) => Interlocked.Exchange(ref _values[(int)counter], value);

    internal void AddSent(int qos)
    {
        Add(RunCounter.Sent);
        Add(RunCounterNames.SentAt(qos));
    }

    internal void AddAcknowledged(int qos)
    {
        Add(RunCounter.Acknowledged);
        Add(RunCounterNames.AcknowledgedAt(qos));
    }

    internal void AddDue(long due, long unsent, bool windowsFull)
    {
        Add(RunCounter.Due, due);
        Add(windowsFull ? RunCounter.UnsentWindowsFull : RunCounter.UnsentByGenerator, unsent);
    }

    // ConnectFailures is set at the end from the sessions that never connected: counting attempts would let a
    // session refused, retried and then let in count as a failure, and one refused five times as five.
    internal void AddError(string reason) => ErrorsByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);
}
