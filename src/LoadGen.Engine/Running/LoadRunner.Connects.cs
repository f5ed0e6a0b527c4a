using System.Diagnostics;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

// Connecting: the transports, connects paced by the group's rate, CONNACK and SUBACK timeouts, subscriptions, and
// each session's supervision (reconnects).
public sealed partial class LoadRunner
{
    private Func<IMqttTransport>[] CreateConnectors()
    {
        Uri[] brokers = _brokers.Length > 1 ? _brokers : [new Uri($"{(_brokers.Length == 1 ? _brokers[0].Scheme : "mqtt")}://{_host}:{_port}{(_brokers.Length == 1 ? _brokers[0].PathAndQuery : "")}")];
        System.Net.IPAddress?[] sources = _options.SourceAddresses.Count == 0 ? new System.Net.IPAddress?[1] : _options.SourceAddresses.ToArray();
        TimeSpan timeout = TimeSpan.FromSeconds(10);
        TlsClientContext? tls = brokers.Any(b => b.Scheme is "mqtts" or "wss") ? (_options.Tls ?? new TlsSettings()).Load() : null;

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
                "mqtts" => () =>
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
                ConnectStarting(session);
                MqttErrorCode rc = session.Client.Connect(_connectors[session.Index % _connectors.Length]);

                // A CONNECT whose write failed was already counted by the close it caused.
                if (rc != MqttErrorCode.Success && FailAttempt(session))
                {
                    _counters.AddError(ErrorReasons.ConnectFailed(session.Client.LastConnectError is { } why ? $"{rc} ({why})" : rc.ToString(), reconnect: false));
                }

                if (rc != MqttErrorCode.Success)
                {
                    continue;
                }

                // Without reconnects the client's own task is the session's; a supervising state machine would cost
                // every idle session another 144 B.
                session.Run = session.Group.ReconnectDelay > TimeSpan.Zero
                    ? SuperviseAsync(session)
                    : session.Client.RunAsync(CancellationToken.None);
            }

            await WaitForConnAcksAsync(sessions, group.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    // Until every session of the group has its CONNACK or has failed. A broker that goes quiet after the TCP
    // handshake must not leave sessions "connecting" for the whole run: past the connect timeout each is closed and
    // counted as a connect failure with that cause.
    private async Task WaitForConnAcksAsync(List<Session> sessions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long limit = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            bool waiting = false;
            long now = Stopwatch.GetTimestamp();
            foreach (Session session in sessions)
            {
                if (!session.AwaitingConnAck)
                {
                    continue;
                }

                if (now - session.ConnectStarted < limit)
                {
                    waiting = true;
                    continue;
                }

                TimeOutConnAck(session, timeout);
            }

            if (!waiting)
            {
                return;
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    // A CONNACK that did not come in time: counted once, and the connection closed (a reconnecting session tries again).
    private void TimeOutConnAck(Session session, TimeSpan timeout)
    {
        if (FailAttempt(session))
        {
            _counters.AddError(ErrorReasons.ConnectFailed($"no CONNACK within {Durations.Format(timeout)}", reconnect: session.Connected));
            session.Client.Disconnect();
        }
    }

    // Reconnects get the connect timeout too, checked once a second by the sampler.
    private void TimeOutReconnects()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (Session session in _sessions)
        {
            if (session.Connected && session.AwaitingConnAck && now - session.ConnectStarted > (long)(session.Group.ConnectTimeout.TotalSeconds * Stopwatch.Frequency))
            {
                TimeOutConnAck(session, session.Group.ConnectTimeout);
            }
        }
    }

    // Subscribers subscribe before publishers connect; requesters (to their response topics) once they have connected.
    private async Task SubscribeAsync(CancellationToken cancellationToken, bool requesters = false)
    {
        List<Session> subscribers = _sessions.Where(s => (requesters ? s.Group.Rpc == RpcRole.Requester : s.Group.Role == GroupRole.Subscriber) && s.Connected).ToList();
        if (subscribers.Count == 0)
        {
            return;
        }

        foreach (Session session in subscribers)
        {
            Subscribe(session);
        }

        TimeSpan timeout = subscribers.Select(s => s.Group.AckTimeout).Where(t => t > TimeSpan.Zero).DefaultIfEmpty(TimeSpan.FromSeconds(30)).Max();
        await WaitAsync(() => subscribers.All(s => s.Subscribed || s.Client.Socket is null), timeout, cancellationToken).ConfigureAwait(false);
        foreach (Session session in subscribers.Where(s => !s.Subscribed && s.Client.Socket is not null))
        {
            // A broker that never answers SUBSCRIBE: counted, and the session stays (a late SUBACK still counts).
            _counters.AddError($"subscribe: no SUBACK within {Durations.Format(timeout)}");
        }
    }

    private void Subscribe(Session session)
    {
        MqttSubscriptionList list = session.Group.Rpc == RpcRole.Requester ? ResponseSubscription(session) : MqttSubscriptionList.Create(session.Group.Subscriptions
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
            // Taken away on purpose (offline comes back by itself; abort stays down): not a loss to reconnect from.
            if (_stopping || delay <= TimeSpan.Zero || session.Away || Volatile.Read(ref session.AbortedAt) != 0)
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

                ConnectStarting(session);
                if (session.Client.Reconnect() == MqttErrorCode.Success)
                {
                    break;
                }

                if (!FailAttempt(session))
                {
                    continue;
                }

                _counters.AddError(ErrorReasons.ReconnectFailed(session.Client.LastConnectError));
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
