namespace LoadGen.Protocol;

/// <summary>UNSUBSCRIBE (MQTT 3.1.1 §3.10, MQTT 5.0 §3.10).</summary>
public readonly struct UnsubscribePacket
{
    /// <summary>Non-zero packet identifier echoed in UNSUBACK.</summary>
    public ushort PacketId { get; init; }

    /// <summary>MQTT 5.0 properties (User Property).</summary>
    public MqttProperties Properties { get; init; }

    /// <summary>The topic filters to remove, at least one.</summary>
    public MqttTopicFilterList TopicFilters { get; init; }
}
