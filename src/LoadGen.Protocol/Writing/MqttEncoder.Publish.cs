using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

public static partial class MqttEncoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.3 / MQTT 5.0 §3.3 PUBLISH from a packet view. Single-segment topics and payloads (the usual
    /// case) go through the span overload; a multi-segment payload is copied in as many pieces as the writer offers.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public static int WritePublish(IBufferWriter<byte> output, in PublishPacket packet, MqttProtocolVersion version)
    {
        ReadOnlySequence<byte> payload = packet.Payload;
        ReadOnlySequence<byte> topic = packet.Topic;
        if (payload.IsSingleSegment && topic.IsSingleSegment)
        {
            return WritePublish(output, topic.FirstSpan, payload.FirstSpan, packet.QoS, packet.PacketId, version,
                packet.Retain, packet.Dup, packet.Properties);
        }

        if (topic.Length > ushort.MaxValue)
        {
            ThrowFieldTooLong("topic name", topic.Length);
        }

        if (payload.Length > VariableByteInteger.MaxValue)
        {
            ThrowPublishTooLarge(payload.Length);
        }

        // A payload straight from a pipe may span segments; the topic rarely does, and is copied to a pooled buffer then.
        int topicLength = (int)topic.Length;
        byte[]? rented = topic.IsSingleSegment ? null : ArrayPool<byte>.Shared.Rent(topicLength);
        int headerLength;
        try
        {
            ReadOnlySpan<byte> topicSpan = rented is null ? topic.FirstSpan : rented.AsSpan(0, topicLength);
            if (rented is not null)
            {
                topic.CopyTo(rented);
            }

            headerLength = WritePublishHeader(output, topicSpan, (int)payload.Length, packet.QoS, packet.PacketId,
                version, packet.Retain, packet.Dup, packet.Properties, out _);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        output.Advance(headerLength);
        foreach (ReadOnlyMemory<byte> segment in payload)
        {
            output.Write(segment.Span);
        }

        return headerLength + (int)payload.Length;
    }

    /// <summary>
    /// MQTT 3.1.1 §3.3 / MQTT 5.0 §3.3 PUBLISH: fixed header with DUP, QoS and RETAIN; topic name; packet identifier
    /// for QoS 1 and 2; properties (5.0); then the payload, copied in as a transport needs it. This is the hot-path
    /// overload: spans in, one <c>GetSpan</c>/<c>Advance</c> out when the writer has room for the whole packet.
    /// </summary>
    /// <param name="output">Where the packet goes.</param>
    /// <param name="topic">The topic name; empty when <paramref name="topicAlias"/> stands for a topic this connection
    /// already mapped (MQTT 5.0 §3.3.2.3.4).</param>
    /// <param name="payload">The application message.</param>
    /// <param name="qos">The QoS level.</param>
    /// <param name="packetId">The packet identifier, 0 for QoS 0.</param>
    /// <param name="version">The protocol version.</param>
    /// <param name="retain">The RETAIN flag.</param>
    /// <param name="dup">The DUP flag, for a resend.</param>
    /// <param name="properties">The encoded properties (5.0), without a Topic Alias.</param>
    /// <param name="topicAlias">A Topic Alias (5.0) written ahead of <paramref name="properties"/>; 0 for none.</param>
    /// <returns>Bytes written.</returns>
    public static int WritePublish(IBufferWriter<byte> output, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload,
        MqttQualityOfService qos, ushort packetId, MqttProtocolVersion version, bool retain = false, bool dup = false,
        in MqttProperties properties = default, ushort topicAlias = 0)
    {
        int headerLength = WritePublishHeader(output, topic, payload.Length, qos, packetId, version, retain, dup,
            properties, out Span<byte> span, topicAlias);
        int total = headerLength + payload.Length;

        // The header span was sized for the header only; when the writer offered room for the payload too (the usual
        // case for small messages) finish in place, so a small PUBLISH is one GetSpan and one Advance.
        if (span.Length >= total)
        {
            payload.CopyTo(span.Slice(headerLength));
            output.Advance(total);
            return total;
        }

        output.Advance(headerLength);
        output.Write(payload);
        return total;
    }

    /// <summary>
    /// The bytes a PUBLISH takes on the wire, fixed header included, as <see cref="WritePublish(IBufferWriter{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, MqttQualityOfService, ushort, MqttProtocolVersion, bool, bool, in MqttProperties, ushort)"/>
    /// writes it: what a Maximum Packet Size (MQTT 5.0 §3.2.2.3.6) is compared with.
    /// </summary>
    public static long PublishSize(int topicLength, long payloadLength, MqttQualityOfService qos, MqttProtocolVersion version, in MqttProperties properties = default)
        => PublishSize(topicLength, payloadLength, qos, version, properties.Length);

    /// <summary>The bytes a PUBLISH takes on the wire with a property block of <paramref name="propertiesLength"/> bytes (5.0).</summary>
    public static long PublishSize(int topicLength, long payloadLength, MqttQualityOfService qos, MqttProtocolVersion version, int propertiesLength)
    {
        int properties = version == MqttProtocolVersion.V500 ? VariableByteInteger.GetByteCount(propertiesLength) + propertiesLength : 0;
        long remaining = 2L + topicLength + (qos > 0 ? 2 : 0) + properties + payloadLength;
        return 1 + (remaining > VariableByteInteger.MaxValue ? VariableByteInteger.MaxByteCount : VariableByteInteger.GetByteCount((int)remaining)) + remaining;
    }

    private static int WritePublishHeader(IBufferWriter<byte> output, ReadOnlySpan<byte> topic, int payloadLength,
        MqttQualityOfService qos, ushort packetId, MqttProtocolVersion version, bool retain, bool dup,
        in MqttProperties properties, out Span<byte> span, ushort topicAlias = 0)
    {
        int q = (int)qos;
        if (q > 0 ? packetId == 0 || q > 2 : dup)
        {
            ThrowInvalidPublish(q, packetId, dup);
        }

        if (topicAlias != 0 && version != MqttProtocolVersion.V500)
        {
            ThrowInvalidTopicAlias(topicAlias, version);
        }

        if (topic.Length > ushort.MaxValue)
        {
            ThrowFieldTooLong("topic name", topic.Length);
        }

        // The alias property is one identifier byte and a two-byte integer, ahead of the caller's block.
        int propertiesLength = properties.Length + (topicAlias != 0 ? 3 : 0);
        int variableHeader = 2 + topic.Length + (q > 0 ? 2 : 0)
            + (version == MqttProtocolVersion.V500 ? VariableByteInteger.GetByteCount(propertiesLength) + propertiesLength : 0);
        long remaining = (long)variableHeader + payloadLength;
        if (remaining > VariableByteInteger.MaxValue)
        {
            ThrowPublishTooLarge(remaining);
        }

        int headerLength = 1 + VariableByteInteger.GetByteCount((int)remaining) + variableHeader;
        span = output.GetSpan(headerLength);
        var writer = new MqttSpanWriter(span);
        writer.WriteFixedHeader((byte)(0x30 | (dup ? 0b1000 : 0) | (q << 1) | (retain ? 1 : 0)), (int)remaining);
        writer.WriteUInt16((ushort)topic.Length);
        writer.WriteBytes(topic);
        if (q > 0)
        {
            writer.WriteUInt16(packetId);
        }

        if (version == MqttProtocolVersion.V500)
        {
            if (topicAlias == 0)
            {
                writer.WriteProperties(properties);
            }
            else
            {
                writer.WriteVariableByteInteger(propertiesLength);
                writer.WriteByte((byte)MqttPropertyId.TopicAlias);
                writer.WriteUInt16(topicAlias);
                if (!properties.IsEmpty)
                {
                    writer.WriteBytes(properties.Encoded);
                }
            }
        }

        return headerLength;
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidTopicAlias(ushort topicAlias, MqttProtocolVersion version) =>
        throw new ArgumentException($"Topic Alias {topicAlias} on {version}: only MQTT 5.0 has topic aliases (§3.3.2.3.4).");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidPublish(int qos, ushort packetId, bool dup) =>
        throw new ArgumentException($"PUBLISH QoS {qos} with packet identifier {packetId} and DUP {dup} breaks §3.3.1/§2.2.1.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPublishTooLarge(long remaining) =>
        throw new ArgumentException($"A PUBLISH of {remaining} bytes exceeds the 268,435,455-byte remaining length limit.");
}
