using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>Paho's connack_string: the text for a CONNACK result code.</summary>
public static class ConnackText
{
    /// <summary>The MQTT 3.1.1 return code text, as paho words it (codes 0 to 5; 6 to 255 are unused).</summary>
    public static string ConnackString(int rc) => rc switch
    {
        0 => "Connection Accepted.",
        1 => "Connection Refused: unacceptable protocol version.",
        2 => "Connection Refused: identifier rejected.",
        3 => "Connection Refused: broker unavailable.",
        4 => "Connection Refused: bad user name or password.",
        5 => "Connection Refused: not authorised.",
        _ => "Connection Refused: unknown reason.",
    };

    /// <summary>The MQTT 5.0 reason code's name, for a v5 CONNACK.</summary>
    public static string ReasonString(MqttReasonCode code) => code switch
    {
        MqttReasonCode.Success => "Success",
        _ => Enum.GetName(code) ?? $"0x{(byte)code:X2}",
    };
}
