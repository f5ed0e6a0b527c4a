namespace LoadGen.Protocol;

/// <summary>The control packet type in the high nibble of the first byte (MQTT 5.0 §2.1.2, table 2-1).</summary>
public enum MqttPacketType : byte
{
    /// <summary>Reserved; never valid on the wire.</summary>
    Reserved = 0,
    /// <summary>Client request to connect (§3.1).</summary>
    Connect = 1,
    /// <summary>Connect acknowledgement (§3.2).</summary>
    ConnAck = 2,
    /// <summary>Publish message (§3.3).</summary>
    Publish = 3,
    /// <summary>QoS 1 publish acknowledgement (§3.4).</summary>
    PubAck = 4,
    /// <summary>QoS 2 publish received, part 1 (§3.5).</summary>
    PubRec = 5,
    /// <summary>QoS 2 publish release, part 2 (§3.6).</summary>
    PubRel = 6,
    /// <summary>QoS 2 publish complete, part 3 (§3.7).</summary>
    PubComp = 7,
    /// <summary>Subscribe request (§3.8).</summary>
    Subscribe = 8,
    /// <summary>Subscribe acknowledgement (§3.9).</summary>
    SubAck = 9,
    /// <summary>Unsubscribe request (§3.10).</summary>
    Unsubscribe = 10,
    /// <summary>Unsubscribe acknowledgement (§3.11).</summary>
    UnsubAck = 11,
    /// <summary>Ping request (§3.12).</summary>
    PingReq = 12,
    /// <summary>Ping response (§3.13).</summary>
    PingResp = 13,
    /// <summary>Disconnect notification (§3.14).</summary>
    Disconnect = 14,
    /// <summary>Authentication exchange, MQTT 5.0 only (§3.15).</summary>
    Auth = 15,
}
