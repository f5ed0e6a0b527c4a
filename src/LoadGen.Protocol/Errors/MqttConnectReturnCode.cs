namespace LoadGen.Protocol;

/// <summary>
/// MQTT 3.1.1 CONNACK return codes (§3.2.2.3, table 3.1). Paho calls this <c>rc</c> in <c>on_connect</c>.
/// </summary>
public enum MqttConnectReturnCode : byte
{
    /// <summary>0: Connection accepted.</summary>
    Accepted = 0,
    /// <summary>1: Connection refused, unacceptable protocol version.</summary>
    UnacceptableProtocolVersion = 1,
    /// <summary>2: Connection refused, identifier rejected.</summary>
    IdentifierRejected = 2,
    /// <summary>3: Connection refused, server unavailable.</summary>
    ServerUnavailable = 3,
    /// <summary>4: Connection refused, bad user name or password.</summary>
    BadUserNameOrPassword = 4,
    /// <summary>5: Connection refused, not authorized.</summary>
    NotAuthorized = 5,
}
