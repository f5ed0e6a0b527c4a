using System.Buffers;

namespace LoadGen.Protocol;

public static partial class MqttDecoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.8 / MQTT 5.0 §3.8 SUBSCRIBE: packet identifier, properties (5.0), then at least one
    /// (topic filter, subscription options) pair. Every filter and options byte is checked here.
    /// </summary>
    public static SubscribePacket DecodeSubscribe(in MqttFrame frame, MqttProtocolVersion version)
    {
        ExpectType(frame, MqttPacketType.Subscribe);
        var reader = new MqttReader(frame.Body);
        ushort packetId = ReadPacketId(ref reader, MqttPacketType.Subscribe);
        MqttProperties properties = version == MqttProtocolVersion.V500
            ? ReadProperties(ref reader, MqttPropertyContext.Subscribe)
            : default;
        var subscriptions = new MqttSubscriptionList(reader.ReadToEnd());

        int count = 0;
        foreach (MqttSubscription subscription in subscriptions)
        {
            count++;
            bool shared = ValidateFilter(subscription.TopicFilter, version);
            ValidateOptions(subscription, version, shared);
        }

        if (count == 0)
        {
            // [MQTT-3.8.3-3] (3.1.1) / [MQTT-3.8.3-2] (5.0).
            MqttProtocolException.ProtocolError(MqttViolation.EmptySubscribe, "SUBSCRIBE contains no topic filters.");
        }

        return new SubscribePacket { PacketId = packetId, Properties = properties, Subscriptions = subscriptions };
    }

    private static void ValidateOptions(in MqttSubscription subscription, MqttProtocolVersion version, bool shared)
    {
        // §3.8.3.1: 3.1.1 reserves bits 7-2; 5.0 reserves bits 7-6.
        byte reserved = version == MqttProtocolVersion.V500 ? (byte)0xC0 : (byte)0xFC;
        if ((subscription.Options & reserved) != 0)
        {
            MqttProtocolException.Malformed(MqttViolation.ReservedSubscriptionOptions,
                $"Subscription options 0x{subscription.Options:X2} set reserved bits.");
        }

        if ((int)subscription.QoS == 3)
        {
            // 3.1.1 [MQTT-3-8.3-4] closes the connection as malformed; 5.0 §3.8.3.1 calls it a Protocol Error.
            MqttProtocolException.Throw(version == MqttProtocolVersion.V500 ? MqttReasonCode.ProtocolError : MqttReasonCode.MalformedPacket,
                MqttViolation.InvalidQoS, "A subscription asks for QoS 3.");
        }

        if ((int)subscription.RetainHandling == 3)
        {
            MqttProtocolException.ProtocolError(MqttViolation.InvalidRetainHandling, "A subscription has Retain Handling 3.");
        }

        if (shared && subscription.NoLocal)
        {
            // [MQTT-3.8.3-4]
            MqttProtocolException.ProtocolError(MqttViolation.NoLocalOnSharedSubscription,
                "No Local is set on a shared subscription.");
        }
    }

    private static bool ValidateFilter(in ReadOnlySequence<byte> filter, MqttProtocolVersion version)
    {
        MqttUtf8.Validate(filter, "topic filter");
        if (filter.IsSingleSegment)
        {
            return MqttTopic.ValidateFilter(filter.FirstSpan, version);
        }

        // Level rules look at neighbouring bytes, so a filter split across segments is checked from a contiguous copy.
        int length = (int)filter.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            filter.CopyTo(rented);
            return MqttTopic.ValidateFilter(rented.AsSpan(0, length), version);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// MQTT 3.1.1 §3.9 / MQTT 5.0 §3.9 SUBACK: packet identifier, properties (5.0), then one return or reason code per
    /// requested subscription.
    /// </summary>
    public static SubAckPacket DecodeSubAck(in MqttFrame frame, MqttProtocolVersion version)
    {
        ExpectType(frame, MqttPacketType.SubAck);
        var reader = new MqttReader(frame.Body);
        ushort packetId = ReadPacketId(ref reader, MqttPacketType.SubAck);
        MqttProperties properties = version == MqttProtocolVersion.V500
            ? ReadProperties(ref reader, MqttPropertyContext.SubAck)
            : default;
        ReadOnlySequence<byte> codes = reader.ReadToEnd();
        CheckReasonCodes(codes, version == MqttProtocolVersion.V500 ? ReasonCodeSet.SubAckV5 : ReasonCodeSet.SubAckV311,
            MqttPacketType.SubAck);
        return new SubAckPacket { PacketId = packetId, Properties = properties, ReasonCodes = codes };
    }

    /// <summary>
    /// MQTT 3.1.1 §3.10 / MQTT 5.0 §3.10 UNSUBSCRIBE: packet identifier, properties (5.0), at least one topic filter.
    /// </summary>
    public static UnsubscribePacket DecodeUnsubscribe(in MqttFrame frame, MqttProtocolVersion version)
    {
        ExpectType(frame, MqttPacketType.Unsubscribe);
        var reader = new MqttReader(frame.Body);
        ushort packetId = ReadPacketId(ref reader, MqttPacketType.Unsubscribe);
        MqttProperties properties = version == MqttProtocolVersion.V500
            ? ReadProperties(ref reader, MqttPropertyContext.Unsubscribe)
            : default;
        var filters = new MqttTopicFilterList(reader.ReadToEnd());
        int count = 0;
        foreach (ReadOnlySequence<byte> filter in filters)
        {
            count++;
            ValidateFilter(filter, version);
        }

        if (count == 0)
        {
            // [MQTT-3.10.3-2]
            MqttProtocolException.ProtocolError(MqttViolation.EmptyUnsubscribe, "UNSUBSCRIBE contains no topic filters.");
        }

        return new UnsubscribePacket { PacketId = packetId, Properties = properties, TopicFilters = filters };
    }

    /// <summary>
    /// MQTT 3.1.1 §3.11 UNSUBACK: only a packet identifier. MQTT 5.0 §3.11: also properties and one reason code per
    /// topic filter.
    /// </summary>
    public static UnsubAckPacket DecodeUnsubAck(in MqttFrame frame, MqttProtocolVersion version)
    {
        ExpectType(frame, MqttPacketType.UnsubAck);
        var reader = new MqttReader(frame.Body);
        ushort packetId = ReadPacketId(ref reader, MqttPacketType.UnsubAck);
        if (version != MqttProtocolVersion.V500)
        {
            reader.EnsureEnd(MqttPacketType.UnsubAck);
            return new UnsubAckPacket { PacketId = packetId };
        }

        MqttProperties properties = ReadProperties(ref reader, MqttPropertyContext.UnsubAck);
        ReadOnlySequence<byte> codes = reader.ReadToEnd();
        CheckReasonCodes(codes, ReasonCodeSet.UnsubAckV5, MqttPacketType.UnsubAck);
        return new UnsubAckPacket { PacketId = packetId, Properties = properties, ReasonCodes = codes };
    }

    private static void CheckReasonCodes(in ReadOnlySequence<byte> codes, in ReasonCodeSet allowed, MqttPacketType type)
    {
        if (codes.IsEmpty)
        {
            MqttProtocolException.ProtocolError(MqttViolation.EmptyAcknowledgement, $"{type} carries no reason codes.");
        }

        foreach (ReadOnlyMemory<byte> segment in codes)
        {
            foreach (byte code in segment.Span)
            {
                CheckReasonCode(code, allowed, type);
            }
        }
    }
}
