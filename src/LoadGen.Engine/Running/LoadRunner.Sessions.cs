using System.Buffers;
using System.Diagnostics;
using System.Text;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

public sealed partial class LoadRunner
{
    // One simulated device: its client, where it publishes, and the per-message bookkeeping its callbacks need.
    private sealed class Session
    {
        public required MqttClient Client { get; init; }

        public required ClientGroup Group { get; init; }

        public required int Index { get; init; }

        public required string ClientId { get; init; }

        public byte[] Topic { get; set; } = [];

        // The client id and group name in UTF-8, for payload and property templates; empty unless a template uses them.
        public byte[] ClientIdBytes { get; set; } = [];

        public byte[] GroupBytes { get; set; } = [];

        // Messages this session published, all QoS levels: %seq in templates, and the turn through a payload file.
        public long Published;

        // A requester's requests waiting for their responses, by QoS and sequence: intended and actual send times, and
        // whether the broker acknowledged the request (only then is a missing response the round trip's fault).
        public Dictionary<long, (long Intended, long Sent, bool Acknowledged)>? Pending;

        // A responder's replies waiting for a free slot in its in-flight window.
        public Queue<Reply>? ReplyBacklog;

        // Requests sent up to this time may go unanswered as the protocol allows: the requester lost its connection, or
        // had not subscribed to its responses again yet. Raised at every disconnect and SUBACK.
        public long RpcExcusedBefore;

        // Bytes of each message buffer: stamp record (templates and files), payload, MQTT 5.0 properties.
        public int BufferSize;

        // Payload buffers: a QoS 1/2 message's memory must stay put until its handshake ends, because a resend reads it
        // again, however long a lost acknowledgement keeps it waiting. Each in-flight message holds its buffer by packet
        // identifier slot (identifier % window, as the session's window maps them) until it completes; the rest wait
        // in Free. (A rotation through a fixed ring overwrote messages stuck behind a lost PUBREC: their resends then
        // carried a newer message's stamp.)
        public Stack<byte[]> Free { get; } = new();

        public byte[]?[] InFlight { get; set; } = [];

        // Intended send times by packet identifier slot (identifier % window, as the session's own window maps them).
        public long[] Intended { get; set; } = [];

        // Next sequence number per QoS: each QoS is its own numbered stream, so the audit can judge each apart.
        public int[] Sequences { get; } = new int[3];

        // A session's own generator (QoS mix, payload size), seeded by its index: a shard draws exactly what the same
        // session would draw in a single-process run. Eight bytes, where a System.Random is about 70.
        public SplitMix Random;

        public DeliveryAudit? Audit { get; set; }

        /// <summary>Stamped messages this subscriber received (its share, in a shared subscription).</summary>
        public long Delivered;

        // Set when the connection was lost: a subscriber with a clean session loses what was sent meanwhile, legitimately.
        public bool LostConnection { get; set; }

        public long ConnectStarted { get; set; }

        public long SubscribeStarted { get; set; }

        public volatile bool Active;

        // Where the current connection attempt stands (ConnAck*). Whoever moves it out of ConnAckAwaiting counts the
        // outcome, exactly once: a CONNACK racing the connect timeout, or a close racing a refusal, is never counted
        // twice nor lost.
        public int ConnAckState;

        public bool AwaitingConnAck => Volatile.Read(ref ConnAckState) == ConnAckAwaiting;

        public bool Connected { get; set; }

        public bool Subscribed { get; set; }

        public Task? Run { get; set; }

        // The highest QoS the broker granted over this subscriber's subscriptions (SUBACK), or -1 before one came.
        public int GrantedQos { get; set; } = -1;

        // Set when the broker answered a reconnect with session present 0 although this session asked to keep it.
        public bool SessionLost { get; set; }

        // abort: when the run ended this session abnormally (0 while it has not); it then stays down.
        public long AbortedAt;

        // offline: set while the subscriber is away on purpose, and when it came back (0 before).
        public volatile bool Away;

        public long BackAt;

        // Down on purpose (aborted, or away offline): not a broker that closed every connection.
        public bool TakenAway => Away || Volatile.Read(ref AbortedAt) != 0;

        // What the broker had queued for this subscriber while it was away, and when the last of it arrived.
        public long QueuedReceived;

        public long LastQueuedAt;

        // Wills of aborted sessions this subscriber received.
        public long WillsHeard;

        // Set once this publisher has retained a message, so clear_retained knows whom to clear.
        public bool Retained { get; set; }

        // The drawn (%rand) topics this publisher retained on, for clear_retained; null for a fixed topic.
        public HashSet<string>? RetainedTopics { get; set; }

        // Protocol errors already counted, so each malformed packet is counted once, with its own reason.
        public long ProtocolErrorsSeen { get; set; }
    }

    // The states of Session.ConnAckState.
    private const int ConnAckNone = 0, ConnAckAwaiting = 1, ConnAckAnswered = 2, ConnAckFailed = 3;

    // A connection attempt starts: CONNECT is about to go.
    private static void ConnectStarting(Session session)
    {
        session.ConnectStarted = Stopwatch.GetTimestamp();
        Volatile.Write(ref session.ConnAckState, ConnAckAwaiting);
    }

    // Ends a waiting attempt as failed; true when this caller did it and so must count it.
    private static bool FailAttempt(Session session) =>
        Interlocked.CompareExchange(ref session.ConnAckState, ConnAckFailed, ConnAckAwaiting) == ConnAckAwaiting;

    private void CreateSessions()
    {
        var created = new List<Session>();

        // Session indices are global to the whole profile (under a shard too): a group's sessions follow the earlier
        // groups' full counts, so a session's index, client id, topic and random draws do not depend on the shard.
        int groupBase = 0;
        foreach (ClientGroup group in _profile.Groups.OrderBy(g => g.Role == GroupRole.Publisher ? 1 : 0))
        {
            // A shared subscription's members are one consumer: the broker gives each message to one of them, so they
            // share one audit, and loss or duplication is judged across the group.
            DeliveryAudit? shared = group.Role == GroupRole.Subscriber && group.ShareName is not null ? new DeliveryAudit(shared: true) : null;
            for (int local = 0; local < group.Sessions; local++)
            {
                int i = group.FirstSession + local;
                int index = groupBase + i;
                string clientId = group.ClientId.Expand(i, "", Random.Shared);
                int window = group.Inflight;
                var client = new MqttClient(new MqttSessionOptions
                {
                    ClientId = clientId,
                    Resend = group.ResendInterval > TimeSpan.Zero ? ResendPolicy.Interval(group.ResendInterval, allowUnderVersion5: true) : ResendPolicy.OnReconnect,
                    ProtocolVersion = group.ProtocolVersion,
                    CleanStart = group.CleanStart,
                    KeepAlive = group.KeepAlive,
                    SessionExpirySeconds = (uint)group.SessionExpiry.TotalSeconds,
                    InflightWindow = window,
                    MaximumPacketSize = group.MaximumPacketSize,
                    UseTopicAliases = group.TopicAlias,
                    AckTimeout = group.AckTimeout > TimeSpan.Zero ? group.AckTimeout : null,
                    AckTimeoutAction = group.AckTimeoutAction,
                    Will = group.Will is { } will
                        ? new MqttWill(Encoding.UTF8.GetBytes(will.Topic.Expand(i, clientId, Random.Shared)), Encoding.UTF8.GetBytes(will.Payload.Expand(i, clientId, Random.Shared)),
                            will.QoS, will.Retain, (uint)will.Delay.TotalSeconds)
                        : null,
                    UserName = group.Credentials?.UserName,
                    Password = group.Credentials?.Password,
                });
                // Thousands of sessions mostly wait: each holds buffers only while it has bytes to read or write.
                // Measured: about 1 % more CPU per message at 10,000 msg/s; an idle session drops from 29 KB to 3 KB.
                client.ReleaseBuffersWhenIdle = true;
                client.EventLoops = _loops;
                var session = new Session { Client = client, Group = group, Index = index, ClientId = clientId, Random = new SplitMix((ulong)index) };
                if (group.Role == GroupRole.Publisher)
                {
                    session.Topic = Encoding.UTF8.GetBytes(group.Topic!.Expand(i, clientId, Random.Shared));
                    session.ClientIdBytes = Encoding.UTF8.GetBytes(clientId);
                    session.GroupBytes = Encoding.UTF8.GetBytes(group.Name);
                    // At least a stamp's length: the properties may read the stamp back from the buffer's start.
                    int payloadRoom = group.PayloadSamples is not null ? 0
                        : group.PayloadTemplate is { } template ? template.MaxLength(session.ClientIdBytes.Length, session.GroupBytes.Length)
                        : group.Payload.Max;
                    session.BufferSize = Math.Max(PayloadStamp.Size, (group.PayloadCarriesStamp ? 0 : PayloadStamp.Size) + payloadRoom
                        + group.Properties.MaxLength(session.ClientIdBytes.Length, session.GroupBytes.Length));
                    if (group.PayloadTemplateAudited)
                    {
                        // A 3.1.1 template is read back by the topic's owner: the topic says whose template to match.
                        (_templateTopics ??= new Dictionary<ReadOnlyMemory<byte>, Session>(TopicBytesComparer.Instance))[session.Topic] = session;
                    }
                }
                else
                {
                    session.Audit = shared ?? new DeliveryAudit();
                }

                if (client.Session.Options.Will is { } w)
                {
                    _willOf[Encoding.UTF8.GetString(w.Topic)] = session;
                }

                Wire(session);
                created.Add(session);
                _byIndex[index] = session;
            }

            _streamGroups.Add((groupBase, groupBase + (group.SessionsInProfile ?? group.Sessions), group));
            groupBase += group.SessionsInProfile ?? group.Sessions;
        }

        _sessions = created;
    }

    // The callbacks are shared by every session (one delegate each per run); the session travels as paho's userdata.
    // Per-session closures were 6 delegates and a closure object, about 420 B of every idle session.
    private void Wire(Session session)
    {
        MqttClient client = session.Client;
        client.UserData = session;
        client.OnConnect = _onConnect;
        client.OnDisconnect = _onDisconnect;
        client.OnSubscribe = _onSubscribe;
        client.OnMessage = _onMessage;
        client.OnPublishCompleted = _onPublishCompleted;
    }

    private void Connected(Session session, ConnectFlags flags, int rc)
    {
        if (rc != 0)
        {
            // Counted once, by name; the close that follows the refusal is not a second error.
            if (FailAttempt(session))
            {
                _counters.AddError(ErrorReasons.ConnectRefused(rc, session.Group.ProtocolVersion, reconnect: session.Connected));
            }

            return;
        }

        if (!session.AwaitingConnAck)
        {
            // The connect timeout got there first: that attempt is counted as failed and its connection is closing.
            return;
        }

        // Waiters look at the state and then at Connected: record the outcome before the state moves on.
        try
        {
            Accepted(session, flags);
        }
        finally
        {
            Volatile.Write(ref session.ConnAckState, ConnAckAnswered);
        }
    }

    private void Accepted(Session session, ConnectFlags flags)
    {
        long now = Stopwatch.GetTimestamp();
        _live.Record(LatencyMetric.Connect, 0, session.ConnectStarted, now);
        if (session.Connected)
        {
            _counters.Add(RunCounter.Reconnects);
            Volatile.Write(ref _lastDisruption, now);
            SignalWindowFreed();
            if ((session.Group.Role == GroupRole.Subscriber || session.Group.Rpc == RpcRole.Requester) && !flags.SessionPresent)
            {
                // The broker forgot the subscriptions with the session; without them nothing would arrive. What
                // was published meanwhile was never the broker's to deliver: audit from when it is back.
                session.SessionLost |= !session.Group.CleanStart;
                session.Audit?.CameBackWithoutSession();
                Subscribe(session);
            }

            return;
        }

        session.Connected = true;
        _counters.Add(RunCounter.SessionsConnected);
    }

    private void Disconnected(Session session, MqttClient c, int rc)
    {
        Volatile.Write(ref session.RpcExcusedBefore, Stopwatch.GetTimestamp());
        // The attempt is over whatever ended it; a refusal or a timeout already counted itself.
        int state = Interlocked.Exchange(ref session.ConnAckState, ConnAckNone);
        if (rc == 0 || _stopping || state == ConnAckFailed)
        {
            return;
        }

        bool beforeConnAck = state == ConnAckAwaiting;
        if (Volatile.Read(ref session.AbortedAt) != 0)
        {
            // The run ended it on purpose (abort): counted as aborted, not as an error.
            return;
        }

        string cause;
        if (c.ProtocolErrors > session.ProtocolErrorsSeen && c.LastProtocolError is { } error)
        {
            // A malformed packet from the broker closed this one session; the reason names the rule it broke.
            session.ProtocolErrorsSeen = c.ProtocolErrors;
            cause = $"{ErrorReasons.ProtocolErrorPrefix}{error.Violation}";
        }
        else if (c.ServerDisconnectReason is { } reason)
        {
            cause = $"{ErrorReasons.ServerDisconnectPrefix}{MqttReasonText.ReasonCode(reason)} (0x{(byte)reason:X2})";
        }
        else
        {
            cause = beforeConnAck ? "closed by the broker before CONNACK" : $"{ErrorReasons.ConnectionLostPrefix}{c.LastCloseReason ?? ((MqttErrorCode)rc).ToString()}";
        }

        if (beforeConnAck)
        {
            // Never got in on this connection: a connect failure with its cause, not a lost session.
            _counters.AddError(ErrorReasons.ConnectFailed(cause, reconnect: session.Connected));
            return;
        }

        session.LostConnection = true;
        Volatile.Write(ref _lastDisruption, Stopwatch.GetTimestamp());
        _counters.AddError(cause);
    }

    private void SubscribeAcknowledged(Session session, IReadOnlyList<int> granted)
    {
        session.Subscribed = true;
        _live.Record(LatencyMetric.SubAck, 0, session.SubscribeStarted, Stopwatch.GetTimestamp());
        foreach (int code in granted.Where(g => g >= 0x80))
        {
            _counters.AddError($"subscription refused: {MqttReasonText.ReasonCode((MqttReasonCode)code)} (0x{code:X2})");
        }

        // The broker may grant less than asked [MQTT-3.9.3-2]; the audit then holds it to what it granted.
        int asked = session.Group.Rpc == RpcRole.Requester ? (int)session.Group.Qos.Highest : session.Group.Subscriptions.Max(s => (int)s.QoS);
        int most = granted.Where(g => g < 0x80).DefaultIfEmpty(-1).Max();
        session.GrantedQos = Math.Min(asked, most);
        Volatile.Write(ref session.RpcExcusedBefore, Stopwatch.GetTimestamp());
    }

    private void Delivered(Session session, MqttMessage message)
    {
        long now = Stopwatch.GetTimestamp();
        if (session.Group.Rpc == RpcRole.Requester)
        {
            ResponseArrived(session, message, now);
            return;
        }

        _counters.Add(RunCounter.Received);
        if (_willOf.Count > 0 && IsWill(session, message, now))
        {
            return;
        }

        if (message.Retain)
        {
            // Handed over from the broker's store at subscription [MQTT-3.3.1-9] (live forwards carry RETAIN 0, as
            // LoadGen subscribes without Retain As Published): an earlier message, maybe an earlier run's. Neither a
            // duplicate nor out of order, and no end-to-end time; counted apart.
            _counters.Add(RunCounter.RetainedReceived);
            return;
        }

        if (TryStamp(message, now, out long sent, out int publisher, out int sequence))
        {
            _live.Record(LatencyMetric.EndToEnd, 0, sent, now);
            if (session.BackAt != 0 && sent < session.BackAt)
            {
                // Published before this subscriber came back, delivered after: the broker queued it meanwhile.
                session.QueuedReceived++;
                session.LastQueuedAt = now;
            }

            if (message.QoS < (int)((uint)publisher >> 30))
            {
                // Delivered below the QoS it was published at: a subscription granted less, or a broker that downgraded.
                _counters.Add(RunCounter.DeliveredBelowQos);
            }

            (bool duplicate, bool outOfOrder) = session.Audit!.Observe(publisher, sequence);
            session.Delivered++;
            if (duplicate)
            {
                _counters.Add(RunCounter.Duplicates);
            }

            if (outOfOrder)
            {
                _counters.Add(RunCounter.OutOfOrder);
            }
        }

        if (session.Group.Rpc == RpcRole.Responder)
        {
            Respond(session, message);
        }
    }

    private void Completed(Session session, PublishCompletion c)
    {
        if (session.Group.Rpc == RpcRole.Responder)
        {
            ReplyCompleted(session, c);
            return;
        }

        lock (session.Free)
        {
            int slot = c.PacketId % session.InFlight.Length;
            if (session.InFlight[slot] is { } done)
            {
                if (!c.Succeeded)
                {
                    // Never acknowledged (refused, timed out, dropped with a session the broker did not keep): not the
                    // broker's to deliver, so the audit does not count it lost, nor, for a request, its response.
                    Excuse(done);
                    if (session.Group.Rpc == RpcRole.Requester)
                    {
                        RequestWithdrawn(done.AsSpan(0, PayloadStamp.Size));
                    }
                }
                else if (session.Group.Rpc == RpcRole.Requester)
                {
                    RequestAcknowledged(session, done.AsSpan(0, PayloadStamp.Size));
                }

                session.Free.Push(done);
                session.InFlight[slot] = null;
            }
        }

        SignalWindowFreed();

        if (c.TimedOut)
        {
            _counters.Add(RunCounter.TimedOut);
            _counters.AddError(ErrorReasons.AckTimeout(c.WaitingFor, session.Group.AckTimeout));
            return;
        }

        if (c.Discarded)
        {
            // The broker answered a reconnect with session present 0: it kept nothing, as the protocol lets it. The
            // message was dropped with the session, not refused.
            _counters.Add(RunCounter.DroppedWithSession);
            return;
        }

        if (!c.Succeeded)
        {
            _counters.Add(RunCounter.Refused);
            _counters.AddError(ErrorReasons.PublishRefused(c.ReasonCode));
            return;
        }

        _counters.AddAcknowledged((int)c.QoS);
        long intended = session.Intended[c.PacketId % session.Intended.Length];
        if (c.QoS == MqttQualityOfService.AtLeastOnce)
        {
            _live.Record(LatencyMetric.QoS1PubAck, intended, c.FirstSentTicks, c.CompletedTicks);
        }
        else
        {
            _live.Record(LatencyMetric.QoS2PubRec, intended, c.FirstSentTicks, c.PubRecTicks);
            _live.Record(LatencyMetric.QoS2PubComp, 0, c.PubRelSentTicks, c.CompletedTicks);
            _live.Record(LatencyMetric.QoS2Flow, intended, c.FirstSentTicks, c.CompletedTicks);
        }

        if (session.Active)
        {
            // Closed model: the next message goes as soon as this one is done.
            if (TrySend(session, 0))
            {
                _ = session.Client.FlushAsync();
            }
        }
    }

    // Messages the broker never acknowledged, by stream (publisher and QoS) and sequence number: exactly the ones the
    // audit must not hold against it, whatever the fan-out or the QoS.
    private readonly Dictionary<int, HashSet<int>> _excused = new();

    private void Excuse(byte[] payload)
    {
        if (PayloadStamp.TryRead(payload, out _, out int stream, out int sequence))
        {
            lock (_excused)
            {
                if (!_excused.TryGetValue(stream, out HashSet<int>? sequences))
                {
                    _excused[stream] = sequences = new HashSet<int>();
                }

                sequences.Add(sequence);
            }
        }
    }
}
