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

        // Set when the connection was lost: a subscriber with a clean session loses what was sent meanwhile, legitimately.
        public bool LostConnection { get; set; }

        public long ConnectStarted { get; set; }

        public long SubscribeStarted { get; set; }

        public volatile bool Active;

        public bool Connected { get; set; }

        public bool Subscribed { get; set; }

        public Task? Run { get; set; }

        // Protocol errors already counted, so each malformed packet is counted once, with its own reason.
        public long ProtocolErrorsSeen { get; set; }
    }

    private void CreateSessions()
    {
        var created = new List<Session>();

        // Session indices are global to the whole profile (under a shard too): a group's sessions follow the earlier
        // groups' full counts, so a session's index, client id, topic and random draws do not depend on the shard.
        int groupBase = 0;
        foreach (ClientGroup group in _profile.Groups.OrderBy(g => g.Role == GroupRole.Publisher ? 1 : 0))
        {
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
                    UserName = group.Credentials?.UserName,
                    Password = group.Credentials?.Password,
                });
                // Thousands of sessions mostly wait: each holds buffers only while it has bytes to read or write.
                // Measured: about 1 % more CPU per message at 10,000 msg/s; an idle session drops from 29 KB to 3 KB.
                client.ReleaseBuffersWhenIdle = true;
                var session = new Session { Client = client, Group = group, Index = index, ClientId = clientId, Random = new SplitMix((ulong)index) };
                if (group.Role == GroupRole.Publisher)
                {
                    session.Topic = Encoding.UTF8.GetBytes(group.Topic!.Expand(i, clientId, Random.Shared));
                }
                else
                {
                    session.Audit = new DeliveryAudit();
                }

                Wire(session);
                created.Add(session);
                _byIndex[index] = session;
            }

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
        if (rc == 0)
        {
            long now = Stopwatch.GetTimestamp();
            _live.Record(LatencyMetric.Connect, 0, session.ConnectStarted, now);
            if (session.Connected)
            {
                _counters.AddReconnect();
                if (session.Group.Role == GroupRole.Subscriber && !flags.SessionPresent)
                {
                    // The broker forgot the subscriptions with the session; without them nothing would arrive.
                    Subscribe(session);
                }

                return;
            }

            session.Connected = true;
            _counters.AddConnected();
        }
        else
        {
            _counters.AddError($"connack {rc}", connectFailure: true);
        }
    }

    private void Disconnected(Session session, MqttClient c, int rc)
    {
        if (rc == 0 || _stopping)
        {
            return;
        }

        session.LostConnection = true;

        if (c.ProtocolErrors > session.ProtocolErrorsSeen && c.LastProtocolError is { } error)
        {
            // A malformed packet from the broker closed this one session; the reason names the rule it broke.
            session.ProtocolErrorsSeen = c.ProtocolErrors;
            _counters.AddError($"protocol error from broker: {error.Violation}");
        }
        else
        {
            _counters.AddError($"connection lost: {(MqttErrorCode)rc}");
        }
    }

    private void SubscribeAcknowledged(Session session, IReadOnlyList<int> granted)
    {
        session.Subscribed = true;
        _live.Record(LatencyMetric.SubAck, 0, session.SubscribeStarted, Stopwatch.GetTimestamp());
        if (granted.Any(g => g >= 0x80))
        {
            _counters.AddError("subscription refused");
        }
    }

    private void Delivered(Session session, MqttMessage message)
    {
        long now = Stopwatch.GetTimestamp();
        _counters.AddReceived();
        ReadOnlySpan<byte> stamp = message.Payload.IsSingleSegment
            ? message.Payload.FirstSpan
            : message.Payload.Slice(0, Math.Min(PayloadStamp.Size, message.Payload.Length)).ToArray();
        if (PayloadStamp.TryRead(stamp, out long sent, out int publisher, out int sequence))
        {
            _live.Record(LatencyMetric.EndToEnd, 0, sent, now);
            (bool duplicate, bool outOfOrder) = session.Audit!.Observe(publisher, sequence);
            if (duplicate)
            {
                _counters.AddDuplicate();
            }

            if (outOfOrder)
            {
                _counters.AddOutOfOrder();
            }
        }
    }

    private void Completed(Session session, PublishCompletion c)
    {
        lock (session.Free)
        {
            int slot = c.PacketId % session.InFlight.Length;
            if (session.InFlight[slot] is { } done)
            {
                session.Free.Push(done);
                session.InFlight[slot] = null;
            }
        }

        if (!c.Succeeded)
        {
            _counters.AddError($"publish refused 0x{(byte)c.ReasonCode:X2}");
            return;
        }

        _counters.AddAcknowledged();
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

    private Func<IMqttTransport>[] CreateConnectors()
    {
        Uri[] brokers = _brokers.Length > 1 ? _brokers : [new Uri($"{(_brokers.Length == 1 ? _brokers[0].Scheme : "mqtt")}://{_host}:{_port}{(_brokers.Length == 1 ? _brokers[0].PathAndQuery : "")}")];
        System.Net.IPAddress?[] sources = _options.SourceAddresses.Count == 0 ? new System.Net.IPAddress?[1] : _options.SourceAddresses.ToArray();
        TimeSpan timeout = TimeSpan.FromSeconds(10);
        TlsClientContext? tls = brokers.Any(b => b.Scheme is "mqtts" or "ssl" or "wss") ? (_options.Tls ?? new TlsSettings()).Load() : null;

        // Connector k pairs broker k % brokers with source k / brokers, so sessions spread evenly over every pair
        // (each pair has its own 28k ephemeral ports).
        var connectors = new Func<IMqttTransport>[brokers.Length * sources.Length];
        for (int k = 0; k < connectors.Length; k++)
        {
            Uri url = brokers[k % brokers.Length];
            System.Net.IPEndPoint remote;
            try
            {
                remote = TcpTransport.Resolve(url.Host, url.Port);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or InvalidOperationException)
            {
                // Before any session exists: a usage error, not a run that measured nothing.
                throw new ArgumentException($"broker {url}: cannot resolve {url.Host} to an IPv4 address ({ex.Message})", ex);
            }

            System.Net.IPAddress? source = sources[k / brokers.Length];
            connectors[k] = url.Scheme switch
            {
                "mqtts" or "ssl" => () =>
                {
                    TlsTransport t = TlsTransport.Connect(remote, url.Host, timeout, tls!, source);
                    _live.Record(LatencyMetric.TlsHandshake, 0, t.HandshakeStarted, t.HandshakeEnded);
                    return t;
                },
                "ws" or "wss" => () =>
                {
                    WebSocketTransport t = WebSocketTransport.Connect(remote, url, timeout, tls, source);
                    if (t.HandshakeEnded > 0)
                    {
                        _live.Record(LatencyMetric.TlsHandshake, 0, t.HandshakeStarted, t.HandshakeEnded);
                    }

                    return t;
                },
                _ => () => TcpTransport.Connect(remote, timeout, source),
            };
        }

        return connectors;
    }

    private async Task ConnectAsync(GroupRole role, CancellationToken cancellationToken)
    {
        foreach (ClientGroup group in _profile.Groups.Where(g => g.Role == role))
        {
            List<Session> sessions = _sessions.Where(s => s.Group == group).ToList();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < sessions.Count; i++)
            {
                // Paced by the group's connect rate: session i goes at start + i / rate.
                long due = start + (long)(i / group.ConnectRate * Stopwatch.Frequency);
                long wait = due - Stopwatch.GetTimestamp();
                if (wait > Stopwatch.Frequency / 1000)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
                }

                Session session = sessions[i];
                session.ConnectStarted = Stopwatch.GetTimestamp();
                MqttErrorCode rc = session.Client.Connect(_connectors[session.Index % _connectors.Length]);
                if (rc != MqttErrorCode.Success)
                {
                    _counters.AddError(session.Client.LastConnectError is { } why ? $"connect: {rc} ({why})" : $"connect: {rc}", connectFailure: true);
                    continue;
                }

                // Without reconnects the client's own task is the session's; a supervising state machine would cost
                // every idle session another 144 B.
                session.Run = session.Group.ReconnectDelay > TimeSpan.Zero
                    ? SuperviseAsync(session)
                    : session.Client.RunAsync(CancellationToken.None);
            }

            await WaitAsync(() => sessions.All(s => s.Connected || s.Client.Socket is null), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        List<Session> subscribers = _sessions.Where(s => s.Group.Role == GroupRole.Subscriber && s.Connected).ToList();
        foreach (Session session in subscribers)
        {
            Subscribe(session);
        }

        await WaitAsync(() => subscribers.All(s => s.Subscribed || s.Client.Socket is null), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    private void Subscribe(Session session)
    {
        var list = MqttSubscriptionList.Create(session.Group.Subscriptions
            .Select(sub => new MqttSubscription(sub.Filter.Expand(session.Index, session.ClientId, Random.Shared), sub.QoS)).ToArray());
        session.SubscribeStarted = Stopwatch.GetTimestamp();
        session.Client.Subscribe(list);
        _ = session.Client.FlushAsync();
    }

    // Runs a session's connection; with a reconnect delay, connects again whenever the connection is lost, until the
    // run ends. The session's state survives, so with clean_start off unfinished handshakes resume (resends).
    private async Task SuperviseAsync(Session session)
    {
        TimeSpan delay = session.Group.ReconnectDelay;
        while (true)
        {
            await session.Client.RunAsync(CancellationToken.None).ConfigureAwait(false);
            if (_stopping || delay <= TimeSpan.Zero)
            {
                return;
            }

            while (!_stopping)
            {
                await Task.Delay(delay).ConfigureAwait(false);
                if (_stopping)
                {
                    return;
                }

                session.ConnectStarted = Stopwatch.GetTimestamp();
                if (session.Client.Reconnect() == MqttErrorCode.Success)
                {
                    break;
                }

                _counters.AddError("reconnect failed");
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < limit)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }
}
