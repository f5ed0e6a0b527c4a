namespace LoadGen.Protocol;

/// <summary>DISCONNECT (MQTT 3.1.1 §3.14, MQTT 5.0 §3.14). Under 3.1.1 it has no body at all.</summary>
public readonly struct DisconnectPacket
{
    /// <summary>The v5 reason code; <see cref="MqttReasonCode.NormalDisconnection"/> under 3.1.1.</summary>
    public MqttReasonCode ReasonCode { get; init; }

    /// <summary>MQTT 5.0 properties.</summary>
    public MqttProperties Properties { get; init; }
}
