using System.Buffers;
using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// What a <see cref="MqttSession"/> reports to the client above it. Calls happen on the thread that feeds the session,
/// inside <see cref="MqttSession.HandleFrame"/> or <see cref="MqttSession.Publish"/>; views passed in are valid only
/// for the duration of the call.
/// </summary>
public interface IMqttSessionEvents
{
    /// <summary>CONNACK arrived: paho's on_connect (flags with session present, result code).</summary>
    void OnConnAck(bool sessionPresent, byte code, in MqttProperties properties);

    /// <summary>An outgoing publish finished its handshake (or, at QoS 0, was written): paho's on_publish.</summary>
    void OnPublishCompleted(in PublishCompletion completion);

    /// <summary>An application message to deliver: paho's on_message. QoS 2 messages arrive here once, at PUBREL.</summary>
    void OnMessage(in PublishPacket message);

    /// <summary>SUBACK arrived: paho's on_subscribe (mid and granted QoS list).</summary>
    void OnSubAck(ushort packetId, in ReadOnlySequence<byte> reasonCodes);

    /// <summary>UNSUBACK arrived: paho's on_unsubscribe.</summary>
    void OnUnsubAck(ushort packetId, in ReadOnlySequence<byte> reasonCodes);

    /// <summary>The broker sent DISCONNECT (MQTT 5.0).</summary>
    void OnServerDisconnect(MqttReasonCode reason);

    /// <summary>Something the session noticed that is not an error of its own: paho's on_log.</summary>
    void OnLog(MqttLogLevel level, string message);
}
