using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>
/// PUBLISH (MQTT 3.1.1 §3.3, MQTT 5.0 §3.3). When decoded it is a view: <see cref="Topic"/>, <see cref="Payload"/> and
/// <see cref="Properties"/> are slices of the received buffer, valid until that buffer is released. When sending, the
/// same slices point at the caller's memory and the encoder copies them straight into the output.
/// </summary>
public readonly struct PublishPacket
{
    // The decoder's constructor: writing fields directly spares the copy an object initializer makes.
    internal PublishPacket(ReadOnlySequence<byte> topic, ReadOnlySequence<byte> payload, byte flags, ushort packetId,
        MqttProperties properties)
    {
        Topic = topic;
        Payload = payload;
        QoS = (MqttQualityOfService)((flags >> 1) & 0b11);
        PacketId = packetId;
        Retain = (flags & 0b0001) != 0;
        Dup = (flags & 0b1000) != 0;
        Properties = properties;
    }

    /// <summary>An empty packet, for object-initializer construction.</summary>
    public PublishPacket()
    {
    }

    /// <summary>The topic name, UTF-8 (empty when a v5 Topic Alias stands in for it).</summary>
    public ReadOnlySequence<byte> Topic { get; init; }

    /// <summary>The application message, never copied by the decoder.</summary>
    public ReadOnlySequence<byte> Payload { get; init; }

    /// <summary>The delivery guarantee.</summary>
    public MqttQualityOfService QoS { get; init; }

    /// <summary>Non-zero for QoS 1 and 2; absent on the wire for QoS 0.</summary>
    public ushort PacketId { get; init; }

    /// <summary>The RETAIN flag.</summary>
    public bool Retain { get; init; }

    /// <summary>The DUP flag: this is a resend of an earlier attempt (§3.3.1.1).</summary>
    public bool Dup { get; init; }

    /// <summary>MQTT 5.0 properties; empty under 3.1.1.</summary>
    public MqttProperties Properties { get; init; }
}
