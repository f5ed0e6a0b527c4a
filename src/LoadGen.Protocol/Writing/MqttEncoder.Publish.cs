using System.Buffers;

namespace LoadGen.Protocol;

public static partial class MqttEncoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.3 / MQTT 5.0 §3.3 PUBLISH. Fixed header flags DUP, QoS, RETAIN; topic name; packet identifier
    /// for QoS 1 and 2; properties (5.0); payload copied in as the transport needs it.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public static int WritePublish(IBufferWriter<byte> output, in PublishPacket packet, MqttProtocolVersion version)
    {
        int qos = (int)packet.QoS;
        if (qos > 0 ? packet.PacketId == 0 || qos > 2 : packet.Dup)
        {
            ThrowInvalid($"PUBLISH QoS {qos} with packet identifier {packet.PacketId} and DUP {packet.Dup} breaks §3.3.1/§2.2.1.");
        }

        int variableHeader = LengthPrefixedSize(packet.Topic, "topic name") + (qos > 0 ? 2 : 0) +
            PropertiesSize(packet.Properties, version);
        long payloadLength = packet.Payload.Length;
        long remaining = variableHeader + payloadLength;
        if (remaining > VariableByteInteger.MaxValue)
        {
            ThrowInvalid($"A PUBLISH of {remaining} bytes exceeds the 268,435,455-byte remaining length limit.");
        }

        byte firstByte = (byte)(0x30 | (packet.Dup ? 0b1000 : 0) | (qos << 1) | (packet.Retain ? 1 : 0));
        int headerLength = 1 + VariableByteInteger.GetByteCount((int)remaining) + variableHeader;
        int total = headerLength + (int)payloadLength;

        // Ask for the header only, but take the whole packet when the writer happens to offer that much: a small
        // PUBLISH then costs one GetSpan and one Advance, and a 64 KiB one does not force a 64 KiB contiguous buffer.
        Span<byte> span = output.GetSpan(headerLength);
        var writer = new MqttSpanWriter(span);
        writer.WriteFixedHeader(firstByte, (int)remaining);
        writer.WriteLengthPrefixed(packet.Topic);
        if (qos > 0)
        {
            writer.WriteUInt16(packet.PacketId);
        }

        if (version == MqttProtocolVersion.V500)
        {
            writer.WriteProperties(packet.Properties);
        }

        if (span.Length >= total)
        {
            writer.WriteBytes(packet.Payload);
            output.Advance(total);
            return total;
        }

        output.Advance(headerLength);
        foreach (ReadOnlyMemory<byte> segment in packet.Payload)
        {
            output.Write(segment.Span);
        }

        return total;
    }
}
