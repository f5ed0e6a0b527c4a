using System.Collections.Concurrent;

namespace LoadGen.Engine;

/// <summary>What a run counts, updated from many sessions at once.</summary>
public sealed class RunCounters
{
    private long _connected;
    private long _connectFailures;
    private long _sent;
    private long _acknowledged;
    private long _received;
    private long _duplicates;
    private long _outOfOrder;
    private long _backlogged;
    private long _reconnects;
    private readonly long[] _sentByQos = new long[3];

    /// <summary>Errors by reason (a CONNACK refusal, a protocol violation, a failed PUBACK, a lost connection).</summary>
    public ConcurrentDictionary<string, long> ErrorsByReason { get; } = new();

    /// <summary>Sessions that got an accepted CONNACK.</summary>
    public long Connected => Interlocked.Read(ref _connected);

    /// <summary>Connections that failed or were refused.</summary>
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    /// <summary>Messages published.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages whose handshake completed successfully (QoS 0: written).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Messages delivered to subscribers.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Deliveries of a sequence number already seen.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Deliveries that filled an earlier gap.</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    /// <summary>Scheduled sends that had to wait because every session's window was full.</summary>
    public long Backlogged => Interlocked.Read(ref _backlogged);

    /// <summary>Sessions that connected again after losing their connection.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>All errors.</summary>
    public long Errors => ErrorsByReason.Values.Sum();

    internal void AddConnected() => Interlocked.Increment(ref _connected);

    internal void AddSent(int qos)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _sentByQos[qos]);
    }

    /// <summary>Messages published at <paramref name="qos"/>.</summary>
    public long SentAt(int qos) => Interlocked.Read(ref _sentByQos[qos]);

    internal void AddAcknowledged() => Interlocked.Increment(ref _acknowledged);

    internal void AddReceived() => Interlocked.Increment(ref _received);

    internal void AddDuplicate() => Interlocked.Increment(ref _duplicates);

    internal void AddOutOfOrder() => Interlocked.Increment(ref _outOfOrder);

    internal void AddBacklogged() => Interlocked.Increment(ref _backlogged);

    internal void AddReconnect() => Interlocked.Increment(ref _reconnects);

    internal void AddError(string reason, bool connectFailure = false)
    {
        ErrorsByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);
        if (connectFailure)
        {
            Interlocked.Increment(ref _connectFailures);
        }
    }
}
