using System.Buffers;
using System.Net.Sockets;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client;

public sealed partial class MqttClient
{
    // The 13 callbacks of paho, in its order. Each receives the client and the userdata first, as paho's do.

    /// <summary>1. on_connect(client, userdata, flags, rc): CONNACK arrived. <c>rc</c> is the 3.1.1 return code or the 5.0 reason code.</summary>
    public Action<MqttClient, object?, ConnectFlags, int>? OnConnect { get; set; }

    /// <summary>2. on_disconnect(client, userdata, rc): 0 after <see cref="Disconnect"/>, otherwise an <see cref="MqttErrorCode"/> for an unexpected loss.</summary>
    public Action<MqttClient, object?, int>? OnDisconnect { get; set; }

    /// <summary>3. on_message(client, userdata, message): a message no topic-specific callback matched.</summary>
    public Action<MqttClient, object?, MqttMessage>? OnMessage { get; set; }

    /// <summary>6. on_publish(client, userdata, mid): QoS 1/2 handshake finished, or a QoS 0 message left the client.</summary>
    public Action<MqttClient, object?, int>? OnPublish { get; set; }

    /// <summary>7. on_subscribe(client, userdata, mid, granted_qos): SUBACK arrived.</summary>
    public Action<MqttClient, object?, int, IReadOnlyList<int>>? OnSubscribe { get; set; }

    /// <summary>8. on_unsubscribe(client, userdata, mid): UNSUBACK arrived.</summary>
    public Action<MqttClient, object?, int>? OnUnsubscribe { get; set; }

    /// <summary>9. on_log(client, userdata, level, buf).</summary>
    public Action<MqttClient, object?, MqttLogLevel, string>? OnLog { get; set; }

    /// <summary>10. on_socket_open(client, userdata, sock): register the socket with an external loop for reading.</summary>
    public Action<MqttClient, object?, Socket>? OnSocketOpen { get; set; }

    /// <summary>11. on_socket_close(client, userdata, sock): unregister the socket from an external loop.</summary>
    public Action<MqttClient, object?, Socket>? OnSocketClose { get; set; }

    /// <summary>12. on_socket_register_write(client, userdata, sock): a write would block; watch the socket for writability.</summary>
    public Action<MqttClient, object?, Socket>? OnSocketRegisterWrite { get; set; }

    /// <summary>13. on_socket_unregister_write(client, userdata, sock): the blocked write finished; stop watching for writability.</summary>
    public Action<MqttClient, object?, Socket>? OnSocketUnregisterWrite { get; set; }

    /// <summary>Beyond paho: every completed publish with its handshake timestamps, for latency measurement.</summary>
    public Action<MqttClient, PublishCompletion>? OnPublishCompleted { get; set; }

    // Created by the first MessageCallbackAdd: load sessions never use it.
    private List<(byte[] Filter, Action<MqttClient, object?, MqttMessage> Callback)>? _topicCallbacks;

    /// <summary>4. message_callback_add(sub, callback): a callback for messages matching a filter (with + and #).</summary>
    public void MessageCallbackAdd(string filter, Action<MqttClient, object?, MqttMessage> callback)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(filter);
        MqttTopic.ValidateFilter(bytes, _session.Options.ProtocolVersion);
        lock (_sync)
        {
            MessageCallbackRemove(filter);
            (_topicCallbacks ??= new()).Add((bytes, callback));
        }
    }

    /// <summary>5. message_callback_remove(sub).</summary>
    public void MessageCallbackRemove(string filter)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(filter);
        lock (_sync)
        {
            _topicCallbacks?.RemoveAll(c => c.Filter.AsSpan().SequenceEqual(bytes));
        }
    }

    private void Deliver(in PublishPacket packet)
    {
        var message = new MqttMessage(packet);
        if (_topicCallbacks is { Count: > 0 })
        {
            // Topics rarely span segments; when one does, match against a contiguous copy.
            ReadOnlySpan<byte> topic = packet.Topic.IsSingleSegment ? packet.Topic.FirstSpan : packet.Topic.ToArray();
            bool matched = false;
            foreach ((byte[] filter, Action<MqttClient, object?, MqttMessage> callback) in _topicCallbacks)
            {
                if (MqttTopic.Matches(filter, topic))
                {
                    matched = true;
                    callback(this, UserData, message);
                }
            }

            if (matched)
            {
                return;
            }
        }

        OnMessage?.Invoke(this, UserData, message);
    }

    // The session reports through this adapter, so the client's public surface stays paho-shaped.
    private sealed class SessionEvents(MqttClient client) : IMqttSessionEvents
    {
        public void OnConnAck(bool sessionPresent, byte code, in MqttProperties properties)
        {
            client.OnConnect?.Invoke(client, client.UserData, new ConnectFlags(sessionPresent), code);
            if (code != 0)
            {
                client.Close(MqttErrorCode.ConnectionRefused);
            }
        }

        public void OnPublishCompleted(in PublishCompletion completion)
        {
            if (completion.QoS != MqttQualityOfService.AtMostOnce)
            {
                client.OnPublish?.Invoke(client, client.UserData, completion.PacketId);
                client.OnPublishCompleted?.Invoke(client, completion);
            }
        }

        public void OnMessage(in PublishPacket message) => client.Deliver(message);

        public void OnSubAck(ushort packetId, in System.Buffers.ReadOnlySequence<byte> reasonCodes)
        {
            if (client.OnSubscribe is { } callback)
            {
                var granted = new List<int>((int)reasonCodes.Length);
                foreach (ReadOnlyMemory<byte> segment in reasonCodes)
                {
                    foreach (byte b in segment.Span)
                    {
                        granted.Add(b);
                    }
                }

                callback(client, client.UserData, packetId, granted);
            }
        }

        public void OnUnsubAck(ushort packetId, in System.Buffers.ReadOnlySequence<byte> reasonCodes) =>
            client.OnUnsubscribe?.Invoke(client, client.UserData, packetId);

        public void OnServerDisconnect(MqttReasonCode reason)
        {
            client.ServerDisconnectReason = reason;
            client.Log(MqttLogLevel.Warning, $"The broker sent DISCONNECT with reason 0x{(byte)reason:X2}.");
        }

        public void OnLog(MqttLogLevel level, string message) => client.Log(level, message);
    }
}
