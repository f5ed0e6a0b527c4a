using System.Buffers;

namespace LoadGen.Protocol;

public static partial class MqttEncoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.4 to §3.7 / MQTT 5.0 §3.4 to §3.7: PUBACK, PUBREC, PUBREL, PUBCOMP. Under 5.0 the reason code is
    /// omitted when it is Success with no properties (remaining length 2), and the property length is omitted when
    /// there are no properties (remaining length 3).
    /// </summary>
    /// <returns>Bytes written.</returns>
    public static int WriteAck(IBufferWriter<byte> output, in AckPacket packet, MqttProtocolVersion version)
    {
        MqttPacketType type = packet.Type;
        if (type is < MqttPacketType.PubAck or > MqttPacketType.PubComp || packet.PacketId == 0)
        {
            ThrowInvalid("An acknowledgement must be PUBACK, PUBREC, PUBREL or PUBCOMP with a non-zero packet identifier.");
        }

        // §2.1.3: PUBREL's flags are 0010; the other three are 0000.
        byte firstByte = (byte)(((int)type << 4) | (type == MqttPacketType.PubRel ? 0b0010 : 0));
        bool v5 = version == MqttProtocolVersion.V500;
        bool withProperties = v5 && !packet.Properties.IsEmpty;
        bool withReason = v5 && (withProperties || packet.ReasonCode != MqttReasonCode.Success);
        int remaining = 2 + (withReason ? 1 : 0) + (withProperties ? PropertiesSize(packet.Properties, version) : 0);

        MqttSpanWriter writer = Begin(output, firstByte, remaining, out int total);
        writer.WriteUInt16(packet.PacketId);
        if (withReason)
        {
            writer.WriteByte((byte)packet.ReasonCode);
        }

        if (withProperties)
        {
            writer.WriteProperties(packet.Properties);
        }

        output.Advance(total);
        return total;
    }

    /// <summary>Writes a PUBACK, PUBREC, PUBREL or PUBCOMP with reason Success and no properties: 4 bytes.</summary>
    /// <returns>Bytes written.</returns>
    public static int WriteAck(IBufferWriter<byte> output, MqttPacketType type, ushort packetId)
    {
        if (type is < MqttPacketType.PubAck or > MqttPacketType.PubComp || packetId == 0)
        {
            ThrowInvalid("An acknowledgement must be PUBACK, PUBREC, PUBREL or PUBCOMP with a non-zero packet identifier.");
        }

        Span<byte> span = output.GetSpan(4);
        span[0] = (byte)(((int)type << 4) | (type == MqttPacketType.PubRel ? 0b0010 : 0));
        span[1] = 2;
        span[2] = (byte)(packetId >> 8);
        span[3] = (byte)packetId;
        output.Advance(4);
        return 4;
    }
}
