using System.Buffers;
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

        var reader = new MqttReader(frame.Body);
        ReadOnlySequence<byte> topic = reader.ReadBytes(reader.ReadUInt16("topic name"), "topic name");
        ushort packetId = qos == MqttQualityOfService.AtMostOnce ? (ushort)0 : ReadPacketId(ref reader, MqttPacketType.Publish);

        MqttProperties properties = default;
        if (version == MqttProtocolVersion.V500)
        {
            properties = ReadProperties(ref reader, MqttPropertyContext.Publish);
        }

        ValidateTopicName(topic, version, properties);

        return new PublishPacket
        {
            Topic = topic,
            Payload = reader.ReadToEnd(),
            QoS = qos,
            PacketId = packetId,
            Retain = (flags & 0b0001) != 0,
            Dup = (flags & 0b1000) != 0,
            Properties = properties,
        };
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
