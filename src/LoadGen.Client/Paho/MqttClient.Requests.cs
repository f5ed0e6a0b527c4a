using System.Diagnostics;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client;

public sealed partial class MqttClient
{
    // QoS 0 messages report on_publish only once their bytes have left the client (paho's meaning), so each is
    // remembered with the output position at which it ends.
    // Created by the first QoS 0 publish; a session that never sends QoS 0 does not carry it.
    private Queue<(long EndPosition, int Mid)>? _qos0Pending;
    private long _bytesQueued;
    private long _bytesFlushed;
    private long _bytesReceived;
    private int _qos0Mid;
    private string? _lastTopic;
    private byte[] _lastTopicBytes = [];

    /// <summary>
    /// Publishes (paho's publish). Returns MQTT_ERR_SUCCESS and the mid, MQTT_ERR_NO_CONN when not connected, or
    /// MQTT_ERR_QUEUE_SIZE when the in-flight window is full. The payload memory must stay unchanged until on_publish.
    /// </summary>
    public (MqttErrorCode Rc, int Mid) Publish(string topic, ReadOnlyMemory<byte> payload, int qos = 0, bool retain = false)
    {
        // Load loops publish to the same topic again and again: keep its bytes rather than encoding each time.
        if (!ReferenceEquals(topic, _lastTopic))
        {
            _lastTopicBytes = Encoding.UTF8.GetBytes(topic);
            _lastTopic = topic;
        }

        return Publish(_lastTopicBytes, payload, qos, retain);
    }

    /// <summary>Why the last publish the broker's limits forbade was not sent (<see cref="MqttSession.RefusesPublish"/>).</summary>
    public PublishRefusal? LastPublishRefusal { get; private set; }

    /// <summary>
    /// Publishes with the topic already in UTF-8: the allocation-free overload. Returns <see cref="MqttErrorCode.PayloadSize"/>
    /// or <see cref="MqttErrorCode.NotSupported"/>, sending nothing, when the broker's CONNACK forbids the message.
    /// <paramref name="properties"/> is an encoded MQTT 5.0 property block (see <see cref="MqttPropertyBuilder"/>), kept
    /// unchanged like the payload until on_publish.
    /// </summary>
    public (MqttErrorCode Rc, int Mid) Publish(ReadOnlyMemory<byte> topic, ReadOnlyMemory<byte> payload, int qos = 0, bool retain = false,
        ReadOnlyMemory<byte> properties = default)
    {
        if (qos is < 0 or > 2)
        {
            return (MqttErrorCode.Invalid, 0);
        }

        (MqttErrorCode Rc, int Mid) result;
        lock (_sync)
        {
            if (_transport is null || _session.State != MqttSessionState.Connected)
            {
                return (MqttErrorCode.NoConnection, 0);
            }

            if (_session.RefusesPublish(topic.Length, payload.Length, (MqttQualityOfService)qos, retain, properties.Length) is { } refusal)
            {
                // What the broker said it would not take is not sent: it would end the connection [MQTT-3.2.2-15].
                LastPublishRefusal = refusal;
                return (refusal == PublishRefusal.PacketTooLarge ? MqttErrorCode.PayloadSize : MqttErrorCode.NotSupported, 0);
            }

            if (!_session.Publish(_output, topic, payload, (MqttQualityOfService)qos, retain, Stopwatch.GetTimestamp(), out ushort packetId, properties))
            {
                return (MqttErrorCode.QueueSize, 0);
            }

            _bytesQueued = _bytesFlushed + _output.Count + _sending.Count;
            int mid = packetId;
            if (qos == 0)
            {
                mid = _qos0Mid = _qos0Mid == int.MaxValue ? 1 : _qos0Mid + 1;
                (_qos0Pending ??= new()).Enqueue((_bytesQueued, mid));
            }

            result = (MqttErrorCode.Success, mid);
        }

        // A loop thread may sit in its read poll for up to 100 ms. Paho wakes its select through a socket pair; here
        // a publish from any other thread writes at once (non-blocking; what the socket cannot take stays queued).
        int loopThread = _loopThreadId;
        if (loopThread != 0 && loopThread != Environment.CurrentManagedThreadId)
        {
            LoopWrite();
        }

        return result;
    }

    /// <summary>Subscribes to one filter (paho's subscribe). The SUBACK arrives as <see cref="OnSubscribe"/>.</summary>
    public (MqttErrorCode Rc, int Mid) Subscribe(string topicFilter, int qos = 0) =>
        Subscribe(MqttSubscriptionList.Create(new MqttSubscription(topicFilter, (MqttQualityOfService)qos)));

    /// <summary>Subscribes to several filters in one SUBSCRIBE.</summary>
    public (MqttErrorCode Rc, int Mid) Subscribe(MqttSubscriptionList subscriptions)
    {
        lock (_sync)
        {
            if (_transport is null)
            {
                return (MqttErrorCode.NoConnection, 0);
            }

            return (MqttErrorCode.Success, _session.Subscribe(_output, subscriptions, Stopwatch.GetTimestamp()));
        }
    }

    /// <summary>Unsubscribes (paho's unsubscribe). The UNSUBACK arrives as <see cref="OnUnsubscribe"/>.</summary>
    public (MqttErrorCode Rc, int Mid) Unsubscribe(params string[] topicFilters)
    {
        lock (_sync)
        {
            if (_transport is null)
            {
                return (MqttErrorCode.NoConnection, 0);
            }

            return (MqttErrorCode.Success, _session.Unsubscribe(_output, MqttTopicFilterList.Create(topicFilters), Stopwatch.GetTimestamp()));
        }
    }

    // Called with the lock held after bytes left the client.
    private void BytesFlushed(int count)
    {
        _bytesFlushed += count;
        while (_qos0Pending is { Count: > 0 } && _qos0Pending.Peek().EndPosition <= _bytesFlushed)
        {
            int mid = _qos0Pending.Dequeue().Mid;
            OnPublish?.Invoke(this, UserData, mid);
        }
    }
}
