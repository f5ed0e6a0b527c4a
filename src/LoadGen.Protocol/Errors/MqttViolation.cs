namespace LoadGen.Protocol;

/// <summary>
/// The specific rule a malformed or illegal packet broke. Every <see cref="MqttProtocolException"/> names one,
/// so a load run can count errors by cause and a test can assert which rule fired.
/// </summary>
public enum MqttViolation
{
    /// <summary>Packet type 0, or type 15 (AUTH) under MQTT 3.1.1.</summary>
    ReservedPacketType,
    /// <summary>Fixed-header flags differ from the values table 2-2 fixes for the packet type.</summary>
    ReservedFlags,
    /// <summary>A PUBLISH, will or subscription with QoS 3.</summary>
    InvalidQoS,
    /// <summary>DUP set on a QoS 0 PUBLISH (§3.3.1.1).</summary>
    DupOnQoS0,
    /// <summary>A packet identifier of 0 where a non-zero one is required (§2.2.1).</summary>
    ZeroPacketIdentifier,
    /// <summary>A variable byte integer with a continuation bit on its fourth byte (§1.5.5).</summary>
    VariableByteIntegerTooLong,
    /// <summary>A variable byte integer encoded in more bytes than its value needs (§1.5.5).</summary>
    VariableByteIntegerNotMinimal,
    /// <summary>A remaining length above 268,435,455 was requested when encoding.</summary>
    RemainingLengthTooLarge,
    /// <summary>A packet larger than the negotiated or configured maximum packet size.</summary>
    PacketTooLarge,
    /// <summary>A UTF-8 string that is not well-formed UTF-8 (§1.5.4).</summary>
    InvalidUtf8,
    /// <summary>A UTF-8 string containing U+0000 (§1.5.4).</summary>
    NullCharacter,
    /// <summary>A wildcard (<c>+</c> or <c>#</c>) in a PUBLISH topic name (§3.3.2.1).</summary>
    WildcardInTopicName,
    /// <summary>An empty topic name where one is required (§4.7.3).</summary>
    EmptyTopicName,
    /// <summary>A topic filter that misplaces <c>+</c> or <c>#</c>, or is empty (§4.7.1).</summary>
    InvalidTopicFilter,
    /// <summary>A SUBSCRIBE with no subscriptions (§3.8.3).</summary>
    EmptySubscribe,
    /// <summary>An UNSUBSCRIBE with no topic filters (§3.10.3).</summary>
    EmptyUnsubscribe,
    /// <summary>A SUBACK or UNSUBACK with no reason codes.</summary>
    EmptyAcknowledgement,
    /// <summary>Reserved bits set in the subscription options byte (§3.8.3.1).</summary>
    ReservedSubscriptionOptions,
    /// <summary>Retain Handling set to 3 (§3.8.3.1).</summary>
    InvalidRetainHandling,
    /// <summary>No Local set on a shared subscription (§3.8.3.1).</summary>
    NoLocalOnSharedSubscription,
    /// <summary>A property that may appear at most once appears twice (§2.2.2.2).</summary>
    DuplicateProperty,
    /// <summary>A property identifier that is unknown or not allowed in this packet (§2.2.2.2).</summary>
    PropertyNotAllowed,
    /// <summary>A property value outside the range the specification allows.</summary>
    InvalidPropertyValue,
    /// <summary>The packet ends before a field the specification requires (truncated variable header or payload).</summary>
    Truncated,
    /// <summary>Bytes left over after the last field of a packet that has a fixed layout.</summary>
    TrailingBytes,
    /// <summary>A reason code that the specification does not list for this packet.</summary>
    InvalidReasonCode,
    /// <summary>A protocol name other than "MQTT" in CONNECT (§3.1.2.1).</summary>
    InvalidProtocolName,
    /// <summary>A protocol level other than 4 or 5 in CONNECT (§3.1.2.2).</summary>
    UnsupportedProtocolVersion,
    /// <summary>Reserved bits set in the CONNECT or CONNACK flags (§3.1.2.3, §3.2.2.1).</summary>
    ReservedConnectFlags,
    /// <summary>Will QoS or Will Retain set without the Will Flag (§3.1.2.6).</summary>
    WillFlagsWithoutWill,
    /// <summary>A password without a user name under MQTT 3.1.1 (§3.1.2.9).</summary>
    PasswordWithoutUserName,
    /// <summary>Session Present set on a CONNACK that refuses the connection (§3.2.2.2).</summary>
    SessionPresentOnRefusal,
    /// <summary>Authentication Data without an Authentication Method (§3.1.2.11.10).</summary>
    AuthenticationDataWithoutMethod,
    /// <summary>An AUTH packet without an Authentication Method (§3.15.2.2.2).</summary>
    MissingAuthenticationMethod,
    /// <summary>An acknowledgement that does not fit the state of the message it names (§4.3), seen by a session.</summary>
    UnexpectedAcknowledgement,
    /// <summary>A packet that only the other side of a connection may send (for example SUBSCRIBE from a broker).</summary>
    WrongDirection,
}
