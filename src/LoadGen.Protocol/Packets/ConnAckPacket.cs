namespace LoadGen.Protocol;

/// <summary>
/// CONNACK (MQTT 3.1.1 §3.2, MQTT 5.0 §3.2). The second byte is a 3.1.1 return code (0 to 5) or a 5.0 reason code;
/// both views of it are offered.
/// </summary>
public readonly struct ConnAckPacket
{
    /// <summary>Session Present: the server kept state from an earlier connection.</summary>
    public bool SessionPresent { get; init; }

    /// <summary>The raw return or reason code byte.</summary>
    public byte Code { get; init; }

    /// <summary>The code read as a 3.1.1 return code (what paho passes to on_connect as <c>rc</c>).</summary>
    public MqttConnectReturnCode ReturnCode => (MqttConnectReturnCode)Code;

    /// <summary>The code read as a 5.0 reason code.</summary>
    public MqttReasonCode ReasonCode => (MqttReasonCode)Code;

    /// <summary>MQTT 5.0 CONNACK properties.</summary>
    public MqttProperties Properties { get; init; }
}
