using System.Buffers;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// The protocol state of one MQTT connection, without any I/O: bytes in through <see cref="HandleFrame"/>, bytes
/// out into whatever <see cref="IBufferWriter{T}"/> the caller's transport offers, time passed in as Stopwatch
/// ticks. Because it never blocks or owns a socket, the same session runs under every loop model: a thread per
/// client, a caller-driven loop, an external event loop, or thousands of sessions sharing a few threads.
/// Split by concern into partial files: publishing, receiving, resending, keep-alive, subscribing.
/// One thread at a time drives a session.
/// </summary>
public sealed partial class MqttSession
{
    private readonly IMqttSessionEvents _events;
    private InflightWindow _inflight;
    private MqttSessionOptions _options;
    private byte[] _clientId = [];
    private int _connectionEpoch;
    private long _keepAliveTicks;
    private long _lastSentTicks;
    private long _pingSentTicks;
    private ushort _lastControlId;
    private TopicAliasMap? _topicAliases;

    /// <summary>Creates a session.</summary>
    public MqttSession(MqttSessionOptions options, IMqttSessionEvents events)
    {
        _events = events;
        _options = options;
        _inflight = new InflightWindow(options.InflightWindow);
        _topicAliases = options.UseTopicAliases && options.ProtocolVersion == MqttProtocolVersion.V500 ? new TopicAliasMap() : null;
        Configure(options);
    }

    /// <summary>The options in force.</summary>
    public MqttSessionOptions Options => _options;

    /// <summary>The connection state.</summary>
    public MqttSessionState State { get; private set; }

    /// <summary>Outgoing QoS 1/2 messages waiting for their handshake to finish.</summary>
    public int InFlight => _inflight.Count;

    /// <summary>True when another QoS 1/2 publish would exceed the in-flight window.</summary>
    public bool IsWindowFull => _inflight.IsFull;

    /// <summary>Every resend, by packet and cause.</summary>
    public ResendCounters Resends { get; } = new();

    /// <summary>Bytes this session has written.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Bytes of complete packets this session has handled.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Makes the session new again for another connection, keeping its buffers (session pooling).</summary>
    public void Reset(MqttSessionOptions options)
    {
        if (options.InflightWindow != _inflight.Capacity)
        {
            _inflight = new InflightWindow(options.InflightWindow);
        }
        else
        {
            _inflight.Clear();
        }

        ReleaseHeldMessages();
        Resends.Reset();
        _topicAliases = options.UseTopicAliases && options.ProtocolVersion == MqttProtocolVersion.V500 ? _topicAliases ?? new TopicAliasMap() : null;
        _topicAliases?.Reset(0);
        _topicAliases?.ResetHits();
        PublishBytesSent = 0;
        BytesSent = 0;
        BytesReceived = 0;
        State = MqttSessionState.Disconnected;
        _connectionEpoch = 0;
        _lastControlId = 0;
        Configure(options);
    }

    private void Configure(MqttSessionOptions options)
    {
        _options = options;
        _clientId = Encoding.UTF8.GetBytes(options.ClientId);
        _keepAliveTicks = (long)(options.KeepAlive.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        _inflight.Limit = options.InflightWindow;
        if (options.Resend.RetryInterval is not null && options.ProtocolVersion == MqttProtocolVersion.V500 &&
            !options.Resend.AllowIntervalRetryUnderVersion5)
        {
            throw new ArgumentException(
                "MQTT 5.0 forbids resending except on reconnect [MQTT-4.4.0-1]; set AllowIntervalRetryUnderVersion5 to opt in.",
                nameof(options));
        }
    }

    /// <summary>
    /// Writes CONNECT (MQTT 5.0 §3.1) and enters <see cref="MqttSessionState.Connecting"/>. Call once per network
    /// connection; after a drop, call <see cref="ConnectionLost"/> first.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public int Connect(IBufferWriter<byte> output, long now)
    {
        MqttProperties properties = default;
        if (_options.ProtocolVersion == MqttProtocolVersion.V500)
        {
            var builder = new MqttPropertyBuilder();
            if (_options.SessionExpirySeconds > 0)
            {
                builder.Add(MqttPropertyId.SessionExpiryInterval, _options.SessionExpirySeconds);
            }

            // Tell the broker how much we take in flight in the other direction: our QoS 2 holding table is sized by it.
            builder.Add(MqttPropertyId.ReceiveMaximum, (uint)Math.Min(ushort.MaxValue, Math.Max(1, _options.InflightWindow * 4)));
            if (_options.MaximumPacketSize < MqttFrameScanner.MaximumPacketSize)
            {
                builder.Add(MqttPropertyId.MaximumPacketSize, (uint)_options.MaximumPacketSize);
            }

            properties = builder.ToProperties();
        }

        var connect = new ConnectPacket
        {
            ProtocolVersion = _options.ProtocolVersion,
            ClientId = new ReadOnlySequence<byte>(_clientId),
            CleanStart = _options.CleanStart,
            KeepAlive = (ushort)Math.Min(ushort.MaxValue, _options.KeepAlive.TotalSeconds),
            Properties = properties,
        };
        if (_options.Will is { } will)
        {
            MqttProperties willProperties = will.DelaySeconds > 0 && _options.ProtocolVersion == MqttProtocolVersion.V500
                ? new MqttPropertyBuilder().Add(MqttPropertyId.WillDelayInterval, will.DelaySeconds).ToProperties()
                : default;
            connect = connect with
            {
                WillTopic = new ReadOnlySequence<byte>(will.Topic),
                WillPayload = new ReadOnlySequence<byte>(will.Payload),
                WillQoS = will.QoS,
                WillRetain = will.Retain,
                WillProperties = willProperties,
            };
        }

        if (_options.UserName is not null)
        {
            connect = connect with { UserName = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(_options.UserName)) };
        }

        if (_options.Password is not null)
        {
            connect = connect with { Password = new ReadOnlySequence<byte>(_options.Password) };
        }

        State = MqttSessionState.Connecting;
        _connectionEpoch++;
        return Sent(MqttEncoder.WriteConnect(output, connect), now);
    }

    /// <summary>
    /// The network connection is gone. In-flight messages stay for a persistent session and are resent after the
    /// next CONNACK that reports the session present.
    /// </summary>
    public void ConnectionLost()
    {
        State = MqttSessionState.Disconnected;
        _pingSentTicks = 0;
    }

    /// <summary>Writes DISCONNECT (MQTT 5.0 §3.14) and ends the connection state.</summary>
    /// <returns>Bytes written.</returns>
    public int Disconnect(IBufferWriter<byte> output, long now)
    {
        int written = MqttEncoder.WriteDisconnect(output, default, _options.ProtocolVersion);
        State = MqttSessionState.Disconnected;
        return Sent(written, now);
    }

    /// <summary>
    /// Handles one packet from the broker, writing any response (PUBACK, PUBREC, PUBREL, PUBCOMP) into
    /// <paramref name="output"/>. Throws <see cref="MqttProtocolException"/> when the packet breaks the
    /// specification; the caller closes the connection with that reason.
    /// </summary>
    public void HandleFrame(in MqttFrame frame, IBufferWriter<byte> output, long now)
    {
        BytesReceived += frame.Length;
        MqttProtocolVersion version = _options.ProtocolVersion;
        switch (frame.Type)
        {
            case MqttPacketType.ConnAck:
                HandleConnAck(MqttDecoder.DecodeConnAck(frame, version), output, now);
                break;
            case MqttPacketType.Publish:
                HandlePublish(MqttDecoder.DecodePublish(frame, version), output, now);
                break;
            case MqttPacketType.PubAck:
            case MqttPacketType.PubRec:
            case MqttPacketType.PubComp:
                HandleOutboundAck(MqttDecoder.DecodeAck(frame, version), output, now);
                break;
            case MqttPacketType.PubRel:
                HandlePubRel(MqttDecoder.DecodeAck(frame, version), output, now);
                break;
            case MqttPacketType.SubAck:
                SubAckPacket subAck = MqttDecoder.DecodeSubAck(frame, version);
                _events.OnSubAck(subAck.PacketId, subAck.ReasonCodes);
                break;
            case MqttPacketType.UnsubAck:
                UnsubAckPacket unsubAck = MqttDecoder.DecodeUnsubAck(frame, version);
                _events.OnUnsubAck(unsubAck.PacketId, unsubAck.ReasonCodes);
                break;
            case MqttPacketType.PingResp:
                MqttDecoder.DecodePing(frame);
                _pingSentTicks = 0;
                break;
            case MqttPacketType.Disconnect:
                DisconnectPacket disconnect = MqttDecoder.DecodeDisconnect(frame, version);
                State = MqttSessionState.Disconnected;
                _events.OnServerDisconnect(disconnect.ReasonCode);
                break;
            default:
                // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ and AUTH never flow from a broker to a client here.
                MqttDecoder.Validate(frame, version);
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, MqttViolation.WrongDirection,
                    $"A broker sent {frame.Type}, which only clients send.");
        }
    }

    private void HandleConnAck(in ConnAckPacket connAck, IBufferWriter<byte> output, long now)
    {
        if (connAck.Code != 0)
        {
            State = MqttSessionState.Disconnected;
            _events.OnConnAck(false, connAck.Code, connAck.Properties);
            return;
        }

        State = MqttSessionState.Connected;
        Limits = ServerLimits.From(connAck.Properties, _options.ProtocolVersion);
        // Aliases belong to a network connection (§3.3.2.3.4): a new one starts with none mapped.
        _topicAliases?.Reset(_options.UseTopicAliases ? Limits.TopicAliasMaximum : (ushort)0);
        if (_options.ProtocolVersion == MqttProtocolVersion.V500)
        {
            // §3.2.2.3.3: the broker's Receive Maximum caps our window; §3.2.2.3.14: Server Keep Alive replaces ours.
            _inflight.Limit = connAck.Properties.TryGetValue(MqttPropertyId.ReceiveMaximum, out uint receiveMaximum)
                ? (int)Math.Min(receiveMaximum, (uint)_inflight.Capacity)
                : _inflight.Capacity;
            if (connAck.Properties.TryGetValue(MqttPropertyId.ServerKeepAlive, out uint serverKeepAlive))
            {
                _keepAliveTicks = serverKeepAlive * System.Diagnostics.Stopwatch.Frequency;
            }
        }

        if (connAck.SessionPresent)
        {
            // §4.4: the session survived, so everything unacknowledged goes out again, in the original order.
            ResendAll(output, now, ResendCause.Reconnect);
        }
        else if (_inflight.Count > 0 || HeldMessageCount > 0)
        {
            // [MQTT-3.2.2-5] (5.0): with Session Present 0 the client discards its session state.
            _events.OnLog(MqttLogLevel.Warning,
                $"The broker kept no session: {_inflight.Count} in-flight message(s) and {HeldMessageCount} held QoS 2 message(s) are discarded.");
            AbandonInFlight(now);
            ReleaseHeldMessages();
        }

        _events.OnConnAck(connAck.SessionPresent, connAck.Code, connAck.Properties);
    }

    /// <summary>The broker's limits from the CONNACK of the current (or last) connection.</summary>
    public ServerLimits Limits { get; private set; } = ServerLimits.Defaults;

    /// <summary>
    /// Why the broker's CONNACK forbids this PUBLISH, or null when it may go: larger than its Maximum Packet Size
    /// [MQTT-3.2.2-15], above its Maximum QoS [MQTT-3.2.2-11], or retained where it keeps no retained messages
    /// [MQTT-3.2.2-14]. A client that sent it anyway would be disconnected; it is refused here, and the caller counts it.
    /// </summary>
    public PublishRefusal? RefusesPublish(int topicLength, int payloadLength, MqttQualityOfService qos, bool retain, int propertiesLength = 0)
    {
        ServerLimits limits = Limits;
        if (ReferenceEquals(limits, ServerLimits.Defaults))
        {
            return null;
        }

        if (qos > limits.MaximumQos)
        {
            return PublishRefusal.QosNotSupported;
        }

        if (retain && !limits.RetainAvailable)
        {
            return PublishRefusal.RetainNotSupported;
        }

        // Sized as the first PUBLISH of a topic: its name and, with aliases, the alias property too.
        int properties = propertiesLength + (_topicAliases is not null && limits.TopicAliasMaximum > 0 ? 3 : 0);
        return MqttEncoder.PublishSize(topicLength, payloadLength, qos, _options.ProtocolVersion, properties) > limits.MaximumPacketSize
            ? PublishRefusal.PacketTooLarge
            : null;
    }

    private int Sent(int bytes, long now)
    {
        BytesSent += bytes;
        _lastSentTicks = now;
        return bytes;
    }

    private ushort NextControlPacketId()
    {
        // SUBSCRIBE/UNSUBSCRIBE identifiers come from the top of the range, away from the publish window's sequence.
        _lastControlId = _lastControlId is 0 or InflightWindow.MaxPublishId + 1 ? (ushort)0xFFFF : (ushort)(_lastControlId - 1);
        return _lastControlId;
    }
}
