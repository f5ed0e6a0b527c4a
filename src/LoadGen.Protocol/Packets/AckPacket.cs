namespace LoadGen.Protocol;

/// <summary>
/// PUBACK, PUBREC, PUBREL and PUBCOMP (MQTT 5.0 §3.4 to §3.7): the four publish acknowledgements share one layout,
/// a packet identifier then, under 5.0 only, an optional reason code and properties.
/// </summary>
public readonly struct AckPacket
{
    /// <summary>Which acknowledgement: PubAck, PubRec, PubRel or PubComp.</summary>
    public MqttPacketType Type { get; init; }

    /// <summary>The identifier of the PUBLISH being acknowledged.</summary>
    public ushort PacketId { get; init; }

    /// <summary>The v5 reason code; <see cref="MqttReasonCode.Success"/> under 3.1.1.</summary>
    public MqttReasonCode ReasonCode { get; init; }

    /// <summary>MQTT 5.0 properties (Reason String, User Property).</summary>
    public MqttProperties Properties { get; init; }
}
