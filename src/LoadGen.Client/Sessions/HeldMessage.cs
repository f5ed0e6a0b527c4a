using System.Buffers;
using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// An incoming QoS 2 message held between PUBREC and PUBREL. The packet's buffer is gone by then, so topic,
/// properties and payload are copied into one array rented from the pool and returned when the message is released.
/// </summary>
internal struct HeldMessage
{
    public byte[] Buffer;
    public int TopicLength;
    public int PropertiesLength;
    public int PayloadLength;
    public bool Retain;
    public int ConnectionEpoch;

    public static HeldMessage Copy(in PublishPacket packet, int epoch)
    {
        int topicLength = (int)packet.Topic.Length;
        int propertiesLength = packet.Properties.Length;
        int payloadLength = (int)packet.Payload.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, topicLength + propertiesLength + payloadLength));
        packet.Topic.CopyTo(buffer);
        packet.Properties.Encoded.CopyTo(buffer.AsSpan(topicLength));
        packet.Payload.CopyTo(buffer.AsSpan(topicLength + propertiesLength));
        return new HeldMessage
        {
            Buffer = buffer,
            TopicLength = topicLength,
            PropertiesLength = propertiesLength,
            PayloadLength = payloadLength,
            Retain = packet.Retain,
            ConnectionEpoch = epoch,
        };
    }

    public readonly PublishPacket ToPacket(ushort packetId) => new()
    {
        Topic = new ReadOnlySequence<byte>(Buffer, 0, TopicLength),
        Properties = PropertiesLength == 0 ? default : new MqttProperties(new ReadOnlySequence<byte>(Buffer, TopicLength, PropertiesLength)),
        Payload = new ReadOnlySequence<byte>(Buffer, TopicLength + PropertiesLength, PayloadLength),
        QoS = MqttQualityOfService.ExactlyOnce,
        PacketId = packetId,
        Retain = Retain,
    };

    public readonly void Release() => ArrayPool<byte>.Shared.Return(Buffer);
}
