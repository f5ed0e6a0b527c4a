using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace LoadGen.Protocol;

public static partial class MqttDecoder
{
    // Bytes that may not appear in a topic name: U+0000 (§1.5.4) and the two wildcards (§3.3.2.1).
    private static readonly SearchValues<byte> TopicNameForbidden = SearchValues.Create(0, (byte)'+', (byte)'#');

    /// <summary>
    /// MQTT 3.1.1 §3.3 / MQTT 5.0 §3.3 PUBLISH. Variable header: topic name, packet identifier (QoS 1 and 2 only),
    /// properties (5.0); the payload is the rest of the packet. The result points into the frame.
    /// </summary>
    /// <exception cref="MqttProtocolException">The packet breaks a rule of §3.3.</exception>
    public static PublishPacket DecodePublish(in MqttFrame frame, MqttProtocolVersion version)
    {
        ExpectType(frame, MqttPacketType.Publish);
        byte flags = frame.Flags;
        var qos = (MqttQualityOfService)((flags >> 1) & 0b11);
        if (frame.TryGetArrayBody(out ArrayBackedBody contiguous))
        {
            return DecodePublishArrayBacked(contiguous, flags, qos, version);
        }

        return DecodePublishGeneral(frame, flags, qos, version);
    }

    // Any other layout: a body that spans segments, or memory that is not an array. Out of line, because the general
    // reader holds object references the JIT must zero in the prologue: inlined, every PUBLISH would pay for it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static PublishPacket DecodePublishGeneral(in MqttFrame frame, byte flags, MqttQualityOfService qos, MqttProtocolVersion version)
    {
        var reader = new MqttReader(frame.Body);
        ReadOnlySequence<byte> topic = reader.ReadBytes(reader.ReadUInt16("topic name"), "topic name");
        ushort packetId = qos == MqttQualityOfService.AtMostOnce ? (ushort)0 : ReadPacketId(ref reader, MqttPacketType.Publish);

        MqttProperties properties = default;
        if (version == MqttProtocolVersion.V500)
        {
            properties = ReadProperties(ref reader, MqttPropertyContext.Publish);
        }

        ValidateTopicName(topic, version, properties);
        return new PublishPacket(topic, reader.ReadToEnd(), flags, packetId, properties);
    }

    // The common case: the whole packet in one array (a pooled pipe buffer or a byte[]). Fields are read by index
    // from one span, and the topic and payload are cut from the array directly (see ArrayBackedBody for why).
    private static PublishPacket DecodePublishArrayBacked(in ArrayBackedBody body, byte flags, MqttQualityOfService qos, MqttProtocolVersion version)
    {
        ReadOnlySpan<byte> span = body.Span;
        if (span.Length < 2)
        {
            MqttProtocolException.Truncated("topic name");
        }

        int topicLength = BinaryPrimitives.ReadUInt16BigEndian(span);
        int offset = 2 + topicLength;
        ushort packetId = 0;
        if (qos != MqttQualityOfService.AtMostOnce)
        {
            if (span.Length < offset + 2)
            {
                MqttProtocolException.Truncated(span.Length < offset ? "topic name" : "packet identifier");
            }

            packetId = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(offset));
            if (packetId == 0)
            {
                MqttProtocolException.ZeroPacketIdentifier(MqttPacketType.Publish);
            }

            offset += 2;
        }
        else if (span.Length < offset)
        {
            MqttProtocolException.Truncated("topic name");
        }

        MqttProperties properties = default;
        if (version == MqttProtocolVersion.V500)
        {
            // Nearly every PUBLISH carries no properties: a single zero byte.
            if (offset < span.Length && span[offset] == 0)
            {
                offset++;
            }
            else
            {
                offset += ReadPublishProperties(body.Slice(offset, span.Length - offset), out properties);
            }
        }

        ReadOnlySequence<byte> topic = body.Slice(2, topicLength);
        ReadOnlySpan<byte> topicSpan = span.Slice(2, topicLength);
        if (topicLength == 0 || !PlainTopic.IsPlainAscii(topicSpan))
        {
            ValidateTopicNameSlow(topic, version, properties);
        }

        return new PublishPacket(topic, body.Slice(offset, span.Length - offset), flags, packetId, properties);
    }

    // Kept out of line: the general reader it needs would otherwise bloat the fast path's stack frame and prologue.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadPublishProperties(ReadOnlySequence<byte> rest, out MqttProperties properties)
    {
        var reader = new MqttReader(rest);
        properties = ReadProperties(ref reader, MqttPropertyContext.Publish);
        return (int)reader.Consumed;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ValidateTopicName(in ReadOnlySequence<byte> topic, MqttProtocolVersion version, in MqttProperties properties)
    {
        // One vectorized scan finds NUL and both wildcards; the UTF-8 check is a second. A slow path sorts out
        // which rule broke so the error is precise.
        if (topic.IsSingleSegment)
        {
            ReadOnlySpan<byte> span = topic.FirstSpan;
            if (!span.IsEmpty && span.IndexOfAny(TopicNameForbidden) < 0 && Utf8.IsValid(span))
            {
                return;
            }
        }

        ValidateTopicNameSlow(topic, version, properties);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ValidateTopicNameSlow(in ReadOnlySequence<byte> topic, MqttProtocolVersion version, in MqttProperties properties)
    {
        MqttUtf8.Validate(topic, "topic name");
        // §3.3.2.1: a zero-length topic is allowed only under 5.0 with a Topic Alias.
        bool aliased = version == MqttProtocolVersion.V500 && properties.TryGetValue(MqttPropertyId.TopicAlias, out _);
        MqttTopic.ValidateName(topic, allowEmpty: aliased);
    }
}
