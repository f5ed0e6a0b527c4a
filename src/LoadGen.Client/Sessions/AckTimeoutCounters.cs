namespace LoadGen.Client;

/// <summary>Acknowledgement timeouts of one session, by the leg that was waiting. Updated under the client's lock.</summary>
public sealed class AckTimeoutCounters
{
    /// <summary>QoS 1 PUBLISH that got no PUBACK in time.</summary>
    public long PubAck { get; private set; }

    /// <summary>QoS 2 PUBLISH that got no PUBREC in time.</summary>
    public long PubRec { get; private set; }

    /// <summary>QoS 2 PUBREL that got no PUBCOMP in time.</summary>
    public long PubComp { get; private set; }

    /// <summary>All legs.</summary>
    public long Total => PubAck + PubRec + PubComp;

    internal void Add(OutboundState waiting)
    {
        switch (waiting)
        {
            case OutboundState.AwaitingPubAck: PubAck++; break;
            case OutboundState.AwaitingPubRec: PubRec++; break;
            default: PubComp++; break;
        }
    }
}
