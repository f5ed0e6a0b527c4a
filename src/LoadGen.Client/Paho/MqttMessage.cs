using System.Buffers;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// Paho's MQTTMessage as handed to on_message: topic, payload, qos, retain, mid. It is a view of the received packet,
/// valid only during the callback; copy what must outlive it. <see cref="Topic"/> decodes a string on each call, so
/// hot paths use <see cref="TopicBytes"/>.
/// </summary>
public readonly struct MqttMessage
{
    private readonly PublishPacket _packet;

    internal MqttMessage(in PublishPacket packet) => _packet = packet;

    /// <summary>The topic as UTF-8 bytes.</summary>
    public ReadOnlySequence<byte> TopicBytes => _packet.Topic;

    /// <summary>The topic as a string (allocates).</summary>
    public string Topic => Encoding.UTF8.GetString(_packet.Topic);

    /// <summary>The payload, a slice of the receive buffer.</summary>
    public ReadOnlySequence<byte> Payload => _packet.Payload;

    /// <summary>The QoS the message was delivered with.</summary>
    public int QoS => (int)_packet.QoS;

    /// <summary>The RETAIN flag.</summary>
    public bool Retain => _packet.Retain;

    /// <summary>The DUP flag.</summary>
    public bool Dup => _packet.Dup;

    /// <summary>The packet identifier (0 for QoS 0).</summary>
    public int Mid => _packet.PacketId;

    /// <summary>MQTT 5.0 properties.</summary>
    public MqttProperties Properties => _packet.Properties;
}
