using System.Collections.Concurrent;
using HdrHistogram;

namespace LoadGen.Engine;

/// <summary>Everything the fault proxy did, counted; the run's result carries it.</summary>
public sealed class FaultCounters
{
    private long _connections;
    private long _forwarded;
    private long _delayed;
    private long _cuts;
    private long _stalls;
    private long _throttledMicroseconds;

    // How long delayed packets were really held, arrival to written, per direction (microseconds): on a busy machine a
    // wake-up comes late, and a calibration compares what LoadGen measured with what was injected, not with what was asked.
    private readonly LongHistogram _heldUpstream = new(1, 3_600_000_000, 3), _heldDownstream = new(1, 3_600_000_000, 3);

    /// <summary>Dropped packets by <c>TYPE direction</c>, for example <c>PUBACK downstream</c>.</summary>
    public ConcurrentDictionary<string, long> Dropped { get; } = new();

    /// <summary>Connections accepted.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Packets forwarded.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Packets held back by a delay.</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    /// <summary>Connections cut.</summary>
    public long Cuts => Interlocked.Read(ref _cuts);

    /// <summary>Connections stalled.</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Total time writes waited for the bandwidth cap, microseconds.</summary>
    public long ThrottledMicroseconds => Interlocked.Read(ref _throttledMicroseconds);

    /// <summary>All counts as one flat dictionary, for result.json.</summary>
    public Dictionary<string, long> Snapshot()
    {
        var all = new Dictionary<string, long>
        {
            ["connections"] = Connections,
            ["forwarded"] = Forwarded,
            ["delayed"] = Delayed,
            ["cuts"] = Cuts,
            ["stalls"] = Stalls,
            ["throttled_microseconds"] = ThrottledMicroseconds,
        };
        if (Delayed > 0)
        {
            all["held_upstream_p50_us"] = HeldP50(FaultDirection.Upstream);
            all["held_downstream_p50_us"] = HeldP50(FaultDirection.Downstream);
        }

        foreach ((string key, long count) in Dropped)
        {
            all[$"dropped {key}"] = count;
        }

        return all;
    }

    internal void AddConnection() => Interlocked.Increment(ref _connections);

    internal void AddForwarded() => Interlocked.Increment(ref _forwarded);

    internal void AddDelayed() => Interlocked.Increment(ref _delayed);

    /// <summary>The median time a delayed packet was held in <paramref name="direction"/>, microseconds; 0 when none was.</summary>
    public long HeldP50(FaultDirection direction)
    {
        LongHistogram histogram = direction == FaultDirection.Upstream ? _heldUpstream : _heldDownstream;
        lock (histogram)
        {
            return histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(50);
        }
    }

    internal void AddHeld(FaultDirection direction, long microseconds)
    {
        LongHistogram histogram = direction == FaultDirection.Upstream ? _heldUpstream : _heldDownstream;
        lock (histogram)
        {
            histogram.RecordValue(Math.Clamp(microseconds, 1, 3_600_000_000));
        }
    }

    internal void AddCut() => Interlocked.Increment(ref _cuts);

    internal void AddStall() => Interlocked.Increment(ref _stalls);

    internal void AddThrottled(long microseconds) => Interlocked.Add(ref _throttledMicroseconds, microseconds);

    internal void AddDropped(string key) => Dropped.AddOrUpdate(key, 1, (_, n) => n + 1);
}
