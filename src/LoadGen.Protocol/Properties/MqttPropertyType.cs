namespace LoadGen.Protocol;

/// <summary>The data type of a property value (MQTT 5.0 §1.5).</summary>
public enum MqttPropertyType : byte
{
    /// <summary>Not a known property.</summary>
    Unknown = 0,
    /// <summary>§1.5.1 Bits: one byte.</summary>
    Byte,
    /// <summary>§1.5.2 Two Byte Integer, big-endian.</summary>
    TwoByteInteger,
    /// <summary>§1.5.3 Four Byte Integer, big-endian.</summary>
    FourByteInteger,
    /// <summary>§1.5.5 Variable Byte Integer.</summary>
    VariableByteInteger,
    /// <summary>§1.5.4 UTF-8 Encoded String.</summary>
    Utf8String,
    /// <summary>§1.5.6 Binary Data.</summary>
    BinaryData,
    /// <summary>§1.5.7 UTF-8 String Pair.</summary>
    Utf8StringPair,
}
