using System.Buffers;

namespace LoadGen.Protocol;

public static partial class MqttEncoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.1 / MQTT 5.0 §3.1 CONNECT, in the version the packet names. Variable header: "MQTT", level,
    /// flags, keep alive, properties (5.0). Payload: client id, will properties (5.0), will topic, will payload,
    /// user name, password.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public static int WriteConnect(IBufferWriter<byte> output, in ConnectPacket packet)
    {
        MqttProtocolVersion version = packet.ProtocolVersion;
        if (version is not (MqttProtocolVersion.V311 or MqttProtocolVersion.V500))
        {
            ThrowInvalid($"CONNECT needs protocol version 4 or 5, not {(int)version}.");
        }

        if (packet.HasPassword && !packet.HasUserName && version == MqttProtocolVersion.V311)
        {
            ThrowInvalid("MQTT 3.1.1 does not allow a password without a user name (§3.1.2.9).");
        }

        if ((int)packet.WillQoS > 2 || (!packet.HasWill && (packet.WillQoS != 0 || packet.WillRetain)))
        {
            ThrowInvalid("Will QoS must be 0 to 2, and Will QoS and Will Retain need the Will Flag (§3.1.2.6).");
        }

        int remaining = 10 + PropertiesSize(packet.Properties, version) + LengthPrefixedSize(packet.ClientId, "client identifier");
        if (packet.HasWill)
        {
            remaining += PropertiesSize(packet.WillProperties, version) + LengthPrefixedSize(packet.WillTopic, "will topic") +
                LengthPrefixedSize(packet.WillPayload, "will payload");
        }

        if (packet.HasUserName)
        {
            remaining += LengthPrefixedSize(packet.UserName, "user name");
        }

        if (packet.HasPassword)
        {
            remaining += LengthPrefixedSize(packet.Password, "password");
        }

        int flags = (packet.HasUserName ? 0x80 : 0) | (packet.HasPassword ? 0x40 : 0) | (packet.WillRetain ? 0x20 : 0) |
            ((int)packet.WillQoS << 3) | (packet.HasWill ? 0x04 : 0) | (packet.CleanStart ? 0x02 : 0);

        MqttSpanWriter writer = Begin(output, 0x10, remaining, out int total);
        writer.WriteUInt16(4);
        writer.WriteBytes("MQTT"u8);
        writer.WriteByte((byte)version);
        writer.WriteByte((byte)flags);
        writer.WriteUInt16(packet.KeepAlive);
        if (version == MqttProtocolVersion.V500)
        {
            writer.WriteProperties(packet.Properties);
        }

        writer.WriteLengthPrefixed(packet.ClientId);
        if (packet.HasWill)
        {
            if (version == MqttProtocolVersion.V500)
            {
                writer.WriteProperties(packet.WillProperties);
            }

            writer.WriteLengthPrefixed(packet.WillTopic);
            writer.WriteLengthPrefixed(packet.WillPayload);
        }

        if (packet.HasUserName)
        {
            writer.WriteLengthPrefixed(packet.UserName);
        }

        if (packet.HasPassword)
        {
            writer.WriteLengthPrefixed(packet.Password);
        }

        output.Advance(total);
        return total;
    }

    /// <summary>MQTT 3.1.1 §3.2 / MQTT 5.0 §3.2 CONNACK: acknowledge flags, return or reason code, properties (5.0).</summary>
    /// <returns>Bytes written.</returns>
    public static int WriteConnAck(IBufferWriter<byte> output, in ConnAckPacket packet, MqttProtocolVersion version)
    {
        int remaining = 2 + PropertiesSize(packet.Properties, version);
        MqttSpanWriter writer = Begin(output, 0x20, remaining, out int total);
        writer.WriteByte(packet.SessionPresent ? (byte)1 : (byte)0);
        writer.WriteByte(packet.Code);
        if (version == MqttProtocolVersion.V500)
        {
            writer.WriteProperties(packet.Properties);
        }

        output.Advance(total);
        return total;
    }
}
