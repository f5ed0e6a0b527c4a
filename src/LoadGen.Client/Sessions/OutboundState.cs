namespace LoadGen.Client;

/// <summary>Where an outgoing QoS 1 or 2 message is in its handshake.</summary>
public enum OutboundState : byte
{
    /// <summary>Slot unused.</summary>
    Free = 0,
    /// <summary>QoS 1: PUBLISH sent, waiting for PUBACK.</summary>
    AwaitingPubAck,
    /// <summary>QoS 2: PUBLISH sent, waiting for PUBREC.</summary>
    AwaitingPubRec,
    /// <summary>QoS 2: PUBREL sent, waiting for PUBCOMP.</summary>
    AwaitingPubComp,
}
