namespace LoadGen.Protocol;

/// <summary>MQTT 5.0 property identifiers (§2.2.2.2, table 2-4).</summary>
public enum MqttPropertyId : byte
{
    /// <summary>0x01 Byte: 0 unspecified bytes, 1 UTF-8 payload. PUBLISH, Will.</summary>
    PayloadFormatIndicator = 0x01,
    /// <summary>0x02 Four Byte Integer: seconds. PUBLISH, Will.</summary>
    MessageExpiryInterval = 0x02,
    /// <summary>0x03 UTF-8 String. PUBLISH, Will.</summary>
    ContentType = 0x03,
    /// <summary>0x08 UTF-8 String. PUBLISH, Will.</summary>
    ResponseTopic = 0x08,
    /// <summary>0x09 Binary Data. PUBLISH, Will.</summary>
    CorrelationData = 0x09,
    /// <summary>0x0B Variable Byte Integer, 1 to 268,435,455. PUBLISH (repeatable), SUBSCRIBE.</summary>
    SubscriptionIdentifier = 0x0B,
    /// <summary>0x11 Four Byte Integer: seconds. CONNECT, CONNACK, DISCONNECT.</summary>
    SessionExpiryInterval = 0x11,
    /// <summary>0x12 UTF-8 String. CONNACK.</summary>
    AssignedClientIdentifier = 0x12,
    /// <summary>0x13 Two Byte Integer: seconds. CONNACK.</summary>
    ServerKeepAlive = 0x13,
    /// <summary>0x15 UTF-8 String. CONNECT, CONNACK, AUTH.</summary>
    AuthenticationMethod = 0x15,
    /// <summary>0x16 Binary Data. CONNECT, CONNACK, AUTH.</summary>
    AuthenticationData = 0x16,
    /// <summary>0x17 Byte, 0 or 1. CONNECT.</summary>
    RequestProblemInformation = 0x17,
    /// <summary>0x18 Four Byte Integer: seconds. Will.</summary>
    WillDelayInterval = 0x18,
    /// <summary>0x19 Byte, 0 or 1. CONNECT.</summary>
    RequestResponseInformation = 0x19,
    /// <summary>0x1A UTF-8 String. CONNACK.</summary>
    ResponseInformation = 0x1A,
    /// <summary>0x1C UTF-8 String. CONNACK, DISCONNECT.</summary>
    ServerReference = 0x1C,
    /// <summary>0x1F UTF-8 String. CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH.</summary>
    ReasonString = 0x1F,
    /// <summary>0x21 Two Byte Integer, not 0. CONNECT, CONNACK.</summary>
    ReceiveMaximum = 0x21,
    /// <summary>0x22 Two Byte Integer. CONNECT, CONNACK.</summary>
    TopicAliasMaximum = 0x22,
    /// <summary>0x23 Two Byte Integer, not 0. PUBLISH.</summary>
    TopicAlias = 0x23,
    /// <summary>0x24 Byte, 0 or 1. CONNACK.</summary>
    MaximumQoS = 0x24,
    /// <summary>0x25 Byte, 0 or 1. CONNACK.</summary>
    RetainAvailable = 0x25,
    /// <summary>0x26 UTF-8 String Pair, repeatable. Every packet that has properties.</summary>
    UserProperty = 0x26,
    /// <summary>0x27 Four Byte Integer, not 0. CONNECT, CONNACK.</summary>
    MaximumPacketSize = 0x27,
    /// <summary>0x28 Byte, 0 or 1. CONNACK.</summary>
    WildcardSubscriptionAvailable = 0x28,
    /// <summary>0x29 Byte, 0 or 1. CONNACK.</summary>
    SubscriptionIdentifierAvailable = 0x29,
    /// <summary>0x2A Byte, 0 or 1. CONNACK.</summary>
    SharedSubscriptionAvailable = 0x2A,
}
