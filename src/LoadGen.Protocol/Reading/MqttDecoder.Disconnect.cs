namespace LoadGen.Protocol;

public static partial class MqttDecoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.14 DISCONNECT: no body. MQTT 5.0 §3.14: optional reason code (absent means Normal
    /// disconnection) and properties (absent when the remaining length is below 2).
    /// </summary>
    public static DisconnectPacket DecodeDisconnect(in MqttFrame frame, MqttProtocolVersion version)
    {
        ExpectType(frame, MqttPacketType.Disconnect);
        MqttReasonCode reason = ReadReasonAndProperties(frame, version == MqttProtocolVersion.V500,
            ReasonCodeSet.DisconnectV5, MqttPropertyContext.Disconnect, out MqttProperties properties);
        return new DisconnectPacket { ReasonCode = reason, Properties = properties };
    }

    /// <summary>
    /// MQTT 5.0 §3.15 AUTH: optional reason code (absent means Success) and properties. Packet type 15 is reserved
    /// under MQTT 3.1.1.
    /// </summary>
    public static AuthPacket DecodeAuth(in MqttFrame frame, MqttProtocolVersion version)
    {
        ExpectType(frame, MqttPacketType.Auth);
        if (version != MqttProtocolVersion.V500)
        {
            MqttProtocolException.Malformed(MqttViolation.ReservedPacketType, "AUTH (type 15) is reserved in MQTT 3.1.1.");
        }

        MqttReasonCode reason = ReadReasonAndProperties(frame, true, ReasonCodeSet.AuthV5, MqttPropertyContext.Auth,
            out MqttProperties properties);
        // §3.15.2.2.2: "It is a Protocol Error to omit the Authentication Method" (the empty success form aside).
        if (frame.RemainingLength > 0 && !properties.TryGetData(MqttPropertyId.AuthenticationMethod, out _))
        {
            MqttProtocolException.ProtocolError(MqttViolation.MissingAuthenticationMethod, "AUTH carries no Authentication Method.");
        }
        return new AuthPacket { ReasonCode = reason, Properties = properties };
    }

    // DISCONNECT and AUTH share a layout: nothing (code 0), a code, or a code plus properties.
    private static MqttReasonCode ReadReasonAndProperties(in MqttFrame frame, bool hasBody, in ReasonCodeSet allowed,
        MqttPropertyContext context, out MqttProperties properties)
    {
        properties = default;
        var reader = new MqttReader(frame.Body);
        if (!hasBody || reader.End)
        {
            reader.EnsureEnd(frame.Type);
            return MqttReasonCode.Success;
        }

        byte reason = reader.ReadByte("reason code");
        CheckReasonCode(reason, allowed, frame.Type);
        if (!reader.End || frame.Type == MqttPacketType.Auth)
        {
            // AUTH has no one-byte form: a reason code must be followed by a property length (§3.15.2.2.1).
            properties = ReadProperties(ref reader, context);
        }

        reader.EnsureEnd(frame.Type);
        return (MqttReasonCode)reason;
    }
}
