namespace LoadGen.Client;

/// <summary>
/// Every resend, counted by the packet resent (PUBLISH with DUP at QoS 1 or 2, PUBREL, PUBREC) and by cause.
/// Plain fields: a session is driven by one thread at a time, and the load engine sums sessions after the fact.
/// </summary>
public sealed class ResendCounters
{
    private readonly long[] _counts = new long[4 * 2];

    /// <summary>The packets that can be resent.</summary>
    public enum Kind
    {
        /// <summary>A QoS 1 PUBLISH resent with DUP=1.</summary>
        PublishQoS1,
        /// <summary>A QoS 2 PUBLISH resent with DUP=1.</summary>
        PublishQoS2,
        /// <summary>A PUBREL resent while waiting for PUBCOMP.</summary>
        PubRel,
        /// <summary>A PUBREC sent again because the sender repeated its PUBLISH.</summary>
        PubRec,
    }

    /// <summary>Resends of <paramref name="kind"/> for <paramref name="cause"/>.</summary>
    public long this[Kind kind, ResendCause cause] => _counts[(int)kind * 2 + (int)cause];

    /// <summary>All resends.</summary>
    public long Total => _counts.Sum();

    internal void Add(Kind kind, ResendCause cause) => _counts[(int)kind * 2 + (int)cause]++;

    /// <summary>Adds another session's counts into this one.</summary>
    public void Add(ResendCounters other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
    }

    internal void Reset() => Array.Clear(_counts);
}
