using System.Buffers;
using LoadGen.Protocol;

namespace LoadGen.Client;

public sealed partial class MqttSession
{
    /// <summary>Writes SUBSCRIBE (MQTT 5.0 §3.8); the answer arrives as <see cref="IMqttSessionEvents.OnSubAck"/>.</summary>
    /// <returns>The packet identifier (paho's mid).</returns>
    public ushort Subscribe(IBufferWriter<byte> output, MqttSubscriptionList subscriptions, long now)
    {
        ushort id = NextControlPacketId();
        Sent(MqttEncoder.WriteSubscribe(output, new SubscribePacket { PacketId = id, Subscriptions = subscriptions },
            _options.ProtocolVersion), now);
        return id;
    }

    /// <summary>Writes UNSUBSCRIBE (MQTT 5.0 §3.10); the answer arrives as <see cref="IMqttSessionEvents.OnUnsubAck"/>.</summary>
    /// <returns>The packet identifier (paho's mid).</returns>
    public ushort Unsubscribe(IBufferWriter<byte> output, MqttTopicFilterList filters, long now)
    {
        ushort id = NextControlPacketId();
        Sent(MqttEncoder.WriteUnsubscribe(output, new UnsubscribePacket { PacketId = id, TopicFilters = filters },
            _options.ProtocolVersion), now);
        return id;
    }
}
