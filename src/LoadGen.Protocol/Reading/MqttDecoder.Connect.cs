using System.Buffers;

namespace LoadGen.Protocol;

public static partial class MqttDecoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.1 / MQTT 5.0 §3.1 CONNECT. The protocol level inside decides the version, so none is passed in.
    /// Variable header: protocol name, level, connect flags, keep alive, properties (5.0). Payload: client id, will
    /// properties (5.0), will topic, will payload, user name, password, each present as the flags say.
    /// </summary>
    public static ConnectPacket DecodeConnect(in MqttFrame frame)
    {
        ExpectType(frame, MqttPacketType.Connect);
        var reader = new MqttReader(frame.Body);

        // §3.1.2.1: the protocol name is the UTF-8 string "MQTT".
        ReadOnlySequence<byte> name = reader.ReadUtf8String("protocol name");
        if (name.Length != 4 || !name.FirstSpan.SequenceEqual("MQTT"u8) && !SequenceEquals(name, "MQTT"u8))
        {
            MqttProtocolException.Throw(MqttReasonCode.UnsupportedProtocolVersion, MqttViolation.InvalidProtocolName,
                "The CONNECT protocol name is not \"MQTT\" (MQTT 3.1 \"MQIsdp\" is not supported).");
        }

        // §3.1.2.2: level 4 is 3.1.1, level 5 is 5.0.
        byte level = reader.ReadByte("protocol level");
        if (level is not ((byte)MqttProtocolVersion.V311 or (byte)MqttProtocolVersion.V500))
        {
            MqttProtocolException.Throw(MqttReasonCode.UnsupportedProtocolVersion, MqttViolation.UnsupportedProtocolVersion,
                $"CONNECT protocol level {level} is not supported (4 = MQTT 3.1.1, 5 = MQTT 5.0).");
        }

        var version = (MqttProtocolVersion)level;

        // §3.1.2.3: bit 0 reserved; bit 1 clean; bit 2 will; bits 3-4 will QoS; bit 5 will retain; bit 6 password;
        // bit 7 user name.
        byte flags = reader.ReadByte("connect flags");
        if ((flags & 0x01) != 0)
        {
            MqttProtocolException.Malformed(MqttViolation.ReservedConnectFlags, "The reserved CONNECT flag (bit 0) is set.");
        }

        bool will = (flags & 0x04) != 0;
        int willQoS = (flags >> 3) & 0b11;
        bool willRetain = (flags & 0x20) != 0;
        bool hasPassword = (flags & 0x40) != 0;
        bool hasUserName = (flags & 0x80) != 0;
        if (willQoS == 3)
        {
            MqttProtocolException.Malformed(MqttViolation.InvalidQoS, "The CONNECT will QoS is 3.");
        }

        if (!will && (willQoS != 0 || willRetain))
        {
            MqttProtocolException.Malformed(MqttViolation.WillFlagsWithoutWill,
                "Will QoS or Will Retain is set although the Will Flag is 0 (§3.1.2.6, §3.1.2.7).");
        }

        if (version == MqttProtocolVersion.V311 && hasPassword && !hasUserName)
        {
            MqttProtocolException.Malformed(MqttViolation.PasswordWithoutUserName,
                "MQTT 3.1.1 does not allow a password without a user name (§3.1.2.9).");
        }

        ushort keepAlive = reader.ReadUInt16("keep alive");
        MqttProperties properties = version == MqttProtocolVersion.V500
            ? ReadProperties(ref reader, MqttPropertyContext.Connect)
            : default;

        ReadOnlySequence<byte> clientId = reader.ReadUtf8String("client identifier");
        MqttProperties willProperties = default;
        ReadOnlySequence<byte> willTopic = default;
        ReadOnlySequence<byte> willPayload = default;
        if (will)
        {
            if (version == MqttProtocolVersion.V500)
            {
                willProperties = ReadProperties(ref reader, MqttPropertyContext.Will);
            }

            willTopic = reader.ReadUtf8String("will topic");
            MqttTopic.ValidateName(willTopic);
            willPayload = reader.ReadBinary("will payload");
        }

        ReadOnlySequence<byte> userName = hasUserName ? reader.ReadUtf8String("user name") : default;
        ReadOnlySequence<byte> password = hasPassword ? reader.ReadBinary("password") : default;
        reader.EnsureEnd(MqttPacketType.Connect);

        // Each presence flag is assigned after its value: the value's init accessor sets the flag to true.
        return new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = clientId,
            CleanStart = (flags & 0x02) != 0,
            KeepAlive = keepAlive,
            Properties = properties,
            UserName = userName,
            HasUserName = hasUserName,
            Password = password,
            HasPassword = hasPassword,
            WillTopic = willTopic,
            HasWill = will,
            WillPayload = willPayload,
            WillQoS = (MqttQualityOfService)willQoS,
            WillRetain = willRetain,
            WillProperties = willProperties,
        };
    }

    private static bool SequenceEquals(in ReadOnlySequence<byte> sequence, ReadOnlySpan<byte> expected)
    {
        Span<byte> copy = stackalloc byte[expected.Length];
        sequence.CopyTo(copy);
        return copy.SequenceEqual(expected);
    }

    /// <summary>
    /// MQTT 3.1.1 §3.2 / MQTT 5.0 §3.2 CONNACK: acknowledge flags (Session Present), return or reason code,
    /// properties (5.0).
    /// </summary>
    public static ConnAckPacket DecodeConnAck(in MqttFrame frame, MqttProtocolVersion version)
    {
        ExpectType(frame, MqttPacketType.ConnAck);
        var reader = new MqttReader(frame.Body);
        byte flags = reader.ReadByte("connect acknowledge flags");
        if ((flags & 0xFE) != 0)
        {
            MqttProtocolException.Malformed(MqttViolation.ReservedConnectFlags,
                "Reserved bits 7-1 of the CONNACK acknowledge flags are set.");
        }

        byte code = reader.ReadByte("connect return code");
        CheckReasonCode(code, version == MqttProtocolVersion.V500 ? ReasonCodeSet.ConnAckV5 : ReasonCodeSet.ConnAckV311,
            MqttPacketType.ConnAck);
        bool sessionPresent = (flags & 0x01) != 0;
        if (sessionPresent && code != 0)
        {
            // [MQTT-3.2.2-4] (3.1.1) and [MQTT-3.2.2-6] (5.0).
            MqttProtocolException.Malformed(MqttViolation.SessionPresentOnRefusal,
                $"CONNACK refuses the connection (code 0x{code:X2}) but sets Session Present.");
        }

        MqttProperties properties = version == MqttProtocolVersion.V500
            ? ReadProperties(ref reader, MqttPropertyContext.ConnAck)
            : default;
        reader.EnsureEnd(MqttPacketType.ConnAck);
        return new ConnAckPacket { SessionPresent = sessionPresent, Code = code, Properties = properties };
    }
}
