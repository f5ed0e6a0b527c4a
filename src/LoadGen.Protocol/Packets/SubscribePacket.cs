namespace LoadGen.Protocol;

/// <summary>SUBSCRIBE (MQTT 3.1.1 §3.8, MQTT 5.0 §3.8).</summary>
public readonly struct SubscribePacket
{
    /// <summary>Non-zero packet identifier echoed in SUBACK.</summary>
    public ushort PacketId { get; init; }

    /// <summary>MQTT 5.0 properties (Subscription Identifier, User Property).</summary>
    public MqttProperties Properties { get; init; }

    /// <summary>The topic filters and their options, at least one.</summary>
    public MqttSubscriptionList Subscriptions { get; init; }
}
