using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>
/// MQTT 5.0 §2.2.2.2 table 2-4 as data: each property's type and the packets it may appear in, plus the per-property
/// rules of chapter 3 (at most once, value ranges). Masks are 64-bit because every identifier is below 0x2B.
/// </summary>
internal static class MqttPropertyRules
{
    private const ulong PublishOrWill =
        1UL << (int)MqttPropertyId.PayloadFormatIndicator | 1UL << (int)MqttPropertyId.MessageExpiryInterval |
        1UL << (int)MqttPropertyId.ContentType | 1UL << (int)MqttPropertyId.ResponseTopic |
        1UL << (int)MqttPropertyId.CorrelationData | 1UL << (int)MqttPropertyId.UserProperty;

    private const ulong ReasonAndUser = 1UL << (int)MqttPropertyId.ReasonString | 1UL << (int)MqttPropertyId.UserProperty;

    private static readonly ulong[] Allowed =
    [
        // Connect (§3.1.2.11)
        1UL << (int)MqttPropertyId.SessionExpiryInterval | 1UL << (int)MqttPropertyId.ReceiveMaximum |
        1UL << (int)MqttPropertyId.MaximumPacketSize | 1UL << (int)MqttPropertyId.TopicAliasMaximum |
        1UL << (int)MqttPropertyId.RequestResponseInformation | 1UL << (int)MqttPropertyId.RequestProblemInformation |
        1UL << (int)MqttPropertyId.UserProperty | 1UL << (int)MqttPropertyId.AuthenticationMethod |
        1UL << (int)MqttPropertyId.AuthenticationData,
        // Will (§3.1.3.2)
        PublishOrWill | 1UL << (int)MqttPropertyId.WillDelayInterval,
        // ConnAck (§3.2.2.3)
        1UL << (int)MqttPropertyId.SessionExpiryInterval | 1UL << (int)MqttPropertyId.ReceiveMaximum |
        1UL << (int)MqttPropertyId.MaximumQoS | 1UL << (int)MqttPropertyId.RetainAvailable |
        1UL << (int)MqttPropertyId.MaximumPacketSize | 1UL << (int)MqttPropertyId.AssignedClientIdentifier |
        1UL << (int)MqttPropertyId.TopicAliasMaximum | ReasonAndUser |
        1UL << (int)MqttPropertyId.WildcardSubscriptionAvailable |
        1UL << (int)MqttPropertyId.SubscriptionIdentifierAvailable |
        1UL << (int)MqttPropertyId.SharedSubscriptionAvailable | 1UL << (int)MqttPropertyId.ServerKeepAlive |
        1UL << (int)MqttPropertyId.ResponseInformation | 1UL << (int)MqttPropertyId.ServerReference |
        1UL << (int)MqttPropertyId.AuthenticationMethod | 1UL << (int)MqttPropertyId.AuthenticationData,
        // Publish (§3.3.2.3)
        PublishOrWill | 1UL << (int)MqttPropertyId.TopicAlias | 1UL << (int)MqttPropertyId.SubscriptionIdentifier,
        // PublishAcknowledgement (§3.4.2.2 to §3.7.2.2)
        ReasonAndUser,
        // Subscribe (§3.8.2.1)
        1UL << (int)MqttPropertyId.SubscriptionIdentifier | 1UL << (int)MqttPropertyId.UserProperty,
        // SubAck (§3.9.2.1)
        ReasonAndUser,
        // Unsubscribe (§3.10.2.1)
        1UL << (int)MqttPropertyId.UserProperty,
        // UnsubAck (§3.11.2.1)
        ReasonAndUser,
        // Disconnect (§3.14.2.2)
        1UL << (int)MqttPropertyId.SessionExpiryInterval | ReasonAndUser | 1UL << (int)MqttPropertyId.ServerReference,
        // Auth (§3.15.2.2)
        1UL << (int)MqttPropertyId.AuthenticationMethod | 1UL << (int)MqttPropertyId.AuthenticationData | ReasonAndUser,
    ];

    // Field names for error messages, made once: naming the property must not allocate on the success path.
    private static readonly string[] Names = Enumerable.Range(0, 64).Select(i => ((MqttPropertyId)i).ToString()).ToArray();

    /// <summary>The data type of <paramref name="id"/>, or <see cref="MqttPropertyType.Unknown"/>.</summary>
    public static MqttPropertyType TypeOf(MqttPropertyId id) => id switch
    {
        MqttPropertyId.PayloadFormatIndicator or MqttPropertyId.RequestProblemInformation or
            MqttPropertyId.RequestResponseInformation or MqttPropertyId.MaximumQoS or MqttPropertyId.RetainAvailable or
            MqttPropertyId.WildcardSubscriptionAvailable or MqttPropertyId.SubscriptionIdentifierAvailable or
            MqttPropertyId.SharedSubscriptionAvailable => MqttPropertyType.Byte,
        MqttPropertyId.ServerKeepAlive or MqttPropertyId.ReceiveMaximum or MqttPropertyId.TopicAliasMaximum or
            MqttPropertyId.TopicAlias => MqttPropertyType.TwoByteInteger,
        MqttPropertyId.MessageExpiryInterval or MqttPropertyId.SessionExpiryInterval or
            MqttPropertyId.WillDelayInterval or MqttPropertyId.MaximumPacketSize => MqttPropertyType.FourByteInteger,
        MqttPropertyId.SubscriptionIdentifier => MqttPropertyType.VariableByteInteger,
        MqttPropertyId.ContentType or MqttPropertyId.ResponseTopic or MqttPropertyId.AssignedClientIdentifier or
            MqttPropertyId.AuthenticationMethod or MqttPropertyId.ResponseInformation or
            MqttPropertyId.ServerReference or MqttPropertyId.ReasonString => MqttPropertyType.Utf8String,
        MqttPropertyId.CorrelationData or MqttPropertyId.AuthenticationData => MqttPropertyType.BinaryData,
        MqttPropertyId.UserProperty => MqttPropertyType.Utf8StringPair,
        _ => MqttPropertyType.Unknown,
    };

    /// <summary>
    /// Checks a whole block: every identifier known and allowed here, no forbidden repeats, values in range,
    /// strings valid UTF-8.
    /// </summary>
    public static void Validate(in ReadOnlySequence<byte> block, MqttPropertyContext context)
    {
        ulong allowed = Allowed[(int)context];
        ulong seen = 0;
        var properties = new MqttProperties(block);
        foreach (MqttProperty property in properties)
        {
            ulong bit = 1UL << (int)property.Id;
            if ((allowed & bit) == 0)
            {
                // §2.2.2.2: an identifier not valid for the packet type makes a Malformed Packet.
                MqttProtocolException.Malformed(MqttViolation.PropertyNotAllowed,
                    $"Property {property.Id} (0x{(byte)property.Id:X2}) is not allowed in {context} properties.");
            }

            // User Property may always repeat; Subscription Identifier repeats only in PUBLISH (§3.3.2.3.8), where a
            // message matched several subscriptions. Everything else: "It is a Protocol Error to include ... more than once".
            bool repeatable = property.Id == MqttPropertyId.UserProperty ||
                (property.Id == MqttPropertyId.SubscriptionIdentifier && context == MqttPropertyContext.Publish);
            if ((seen & bit) != 0 && !repeatable)
            {
                MqttProtocolException.ProtocolError(MqttViolation.DuplicateProperty,
                    $"Property {property.Id} appears more than once in {context} properties.");
            }

            seen |= bit;
            ValidateValue(property);
        }

        // §3.1.2.11.10 and §3.15.2.2.3: Authentication Data means nothing without the Authentication Method.
        const ulong method = 1UL << (int)MqttPropertyId.AuthenticationMethod;
        const ulong data = 1UL << (int)MqttPropertyId.AuthenticationData;
        if ((seen & data) != 0 && (seen & method) == 0)
        {
            MqttProtocolException.ProtocolError(MqttViolation.AuthenticationDataWithoutMethod,
                $"{context} properties carry Authentication Data without an Authentication Method.");
        }
    }

    private static void ValidateValue(in MqttProperty property)
    {
        switch (property.Id)
        {
            case MqttPropertyId.PayloadFormatIndicator:
            case MqttPropertyId.RequestProblemInformation:
            case MqttPropertyId.RequestResponseInformation:
            case MqttPropertyId.MaximumQoS:
            case MqttPropertyId.RetainAvailable:
            case MqttPropertyId.WildcardSubscriptionAvailable:
            case MqttPropertyId.SubscriptionIdentifierAvailable:
            case MqttPropertyId.SharedSubscriptionAvailable:
                if (property.Value > 1)
                {
                    InvalidValue(property, "0 or 1");
                }

                break;
            case MqttPropertyId.TopicAlias:
                if (property.Value == 0)
                {
                    // §3.3.2.3.4: the receiver answers a Topic Alias of 0 with 0x94 Topic Alias invalid.
                    MqttProtocolException.Throw(MqttReasonCode.TopicAliasInvalid, MqttViolation.InvalidPropertyValue,
                        "Property TopicAlias has value 0; allowed: 1 to the Topic Alias Maximum.");
                }

                break;
            case MqttPropertyId.ResponseTopic:
                // [MQTT-3.3.2-13], [MQTT-3.3.2-14]: a Topic Name, so UTF-8, non-empty and free of wildcards.
                MqttUtf8.Validate(property.Data, "response topic");
                MqttTopic.ValidateName(property.Data);
                break;
            case MqttPropertyId.ReceiveMaximum:
            case MqttPropertyId.MaximumPacketSize:
            case MqttPropertyId.SubscriptionIdentifier:
                if (property.Value == 0)
                {
                    InvalidValue(property, "non-zero");
                }

                break;
            case MqttPropertyId.UserProperty:
                MqttUtf8.Validate(property.Data, "user property name");
                MqttUtf8.Validate(property.PairValue, "user property value");
                break;
            default:
                if (property.Type == MqttPropertyType.Utf8String)
                {
                    MqttUtf8.Validate(property.Data, Names[(int)property.Id]);
                }

                break;
        }
    }

    private static void InvalidValue(in MqttProperty property, string allowed) =>
        MqttProtocolException.ProtocolError(MqttViolation.InvalidPropertyValue,
            $"Property {property.Id} has value {property.Value}; allowed: {allowed}.");
}
