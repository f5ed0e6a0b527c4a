namespace LoadGen.Protocol;

/// <summary>AUTH (MQTT 5.0 §3.15): extended authentication exchange. Not part of 3.1.1.</summary>
public readonly struct AuthPacket
{
    /// <summary>Success, Continue authentication or Re-authenticate.</summary>
    public MqttReasonCode ReasonCode { get; init; }

    /// <summary>Authentication Method, Authentication Data, Reason String, User Property.</summary>
    public MqttProperties Properties { get; init; }
}
