using System.Diagnostics;
using System.Text;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

/// <summary>
/// Runs a profile: starts the broker if it is the embedded one, connects every group's sessions at its connect rate
/// through the client's shared asynchronous model (no thread per session), drives the publishers through their
/// stages, and measures every handshake leg. Open-model stages time each message from its intended send time, so a
/// stalled broker shows up in response time. Cancellation ends the run early and still yields a result, marked partial.
/// </summary>
public sealed partial class LoadRunner
{
    private readonly LoadProfile _profile;
    private readonly RunOptions _options;
    private readonly RunCounters _counters = new();
    // Filled once by CreateSessions and published whole: the sampler's timer and a metrics scrape read it from other
    // threads, so they see either no session or all of them, never a list being appended to.
    private volatile List<Session> _sessions = new();

    // The event-loop engine the plain TCP sessions run on; null on the shared asynchronous model (RunOptions.Loops).
    private EpollLoops? _loops;
    private readonly Dictionary<int, Session> _byIndex = new();
    private string _host = "127.0.0.1";
    private int _port;

    // Set once the run is ending, so sessions closed on purpose are neither counted as errors nor reconnected.
    private volatile bool _stopping;
    private string? _partial;
    private double? _drainSeconds;

    // When a session last lost its connection or got it back (Stopwatch ticks): messages due before then were held up
    // by the broker's outage, so their lateness is not the generator's.
    private long _lastDisruption;
    private MemoryFootprint? _memory;

    // Shared by every session: see Wire.
    private readonly Action<MqttClient, object?, ConnectFlags, int> _onConnect;
    private readonly Action<MqttClient, object?, int> _onDisconnect;
    private readonly Action<MqttClient, object?, int, IReadOnlyList<int>> _onSubscribe;
    private readonly Action<MqttClient, object?, MqttMessage> _onMessage;
    private readonly Action<MqttClient, PublishCompletion> _onPublishCompleted;

    // Broker URLs when more than one was given (otherwise _host/_port), and one connector per broker and source
    // address pair; session i connects through connector i % count.
    private Uri[] _brokers = [];
    private Func<IMqttTransport>[] _connectors = [];

    private LoadRunner(LoadProfile profile, RunOptions options)
    {
        _profile = profile;
        _options = options;
        _onConnect = (_, s, flags, rc) => Connected((Session)s!, flags, rc);
        _onDisconnect = (c, s, rc) => Disconnected((Session)s!, c, rc);
        _onSubscribe = (_, s, _, granted) => SubscribeAcknowledged((Session)s!, granted);
        _onMessage = (_, s, message) => Delivered((Session)s!, message);
        _onPublishCompleted = (c, completion) => Completed((Session)c.UserData!, completion);
    }

    /// <summary>Runs the profile to the end, or until <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<RunResult> RunAsync(LoadProfile profile, RunOptions options, CancellationToken cancellationToken)
    {
        var runner = new LoadRunner(ProfileSharding.Apply(profile, options.Shard), options);
        return await runner.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        if (_options.StartAt is { } startAt && startAt > DateTimeOffset.UtcNow)
        {
            // Shards on other machines wait for the same moment, so their time series line up for the merge. The
            // coarse delay wakes up to a few milliseconds early; the precise timer does the rest.
            TimeSpan wait = startAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.FromMilliseconds(50))
            {
                await Task.Delay(wait - TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
            }

            long due = Stopwatch.GetTimestamp() + (long)((startAt - DateTimeOffset.UtcNow).TotalSeconds * Stopwatch.Frequency);
            await PreciseTimer.Shared.WaitUntilAsync(due, cancellationToken).ConfigureAwait(false);

            // The timer's thread resumes its waiters in turn: leave it at once, or runs sharing this process (the
            // shard tests) would start one after another's connects.
            await Task.Yield();
        }

        _startedUtc = DateTime.UtcNow;
        _runStart = _lastSample = Stopwatch.GetTimestamp();
        _last = _last with { Cpu = ProcessCpu.Total, GcPause = GC.GetTotalPauseDuration() };
        string broker = _options.Broker ?? _profile.Broker;
        EmbeddedBroker? embedded = null;
        if (broker == "embedded")
        {
            embedded = await EmbeddedBroker.StartAsync().ConfigureAwait(false);
            _port = embedded.Port;
        }
        else
        {
            // Several brokers, comma-separated: session i connects to broker i % count (one mosquitto holds ~20k).
            try
            {
                _brokers = BrokerAddress.ParseList(broker).Select(b => b.ToUri()).ToArray();
            }
            catch (FormatException ex)
            {
                // Before any session exists: a usage error (exit 2), not a run that measured nothing.
                throw new ArgumentException($"broker: {ex.Message}", ex);
            }

            (_host, _port) = (_brokers[0].Host, _brokers[0].Port);
        }

        // Take one empty interval now: it loads the histogram library's dependencies while descriptors are still free
        // (loading an assembly needs one, and thousands of sockets can use them all up).
        _live.TakeInterval(_interval);

        // Faults go between the sessions and the broker: the sessions connect to the proxy, the proxy to the broker.
        FaultProxy? proxy = null;
        if (_profile.Faults is { } plan)
        {
            if (_brokers.Length > 1)
            {
                throw new ArgumentException("faults: the fault proxy sits in front of one broker; give one broker URL");
            }

            proxy = FaultProxy.Start(_host, _port, plan);
            (_host, _port) = ("127.0.0.1", proxy.Port);
            _brokers = [];
        }

        PrometheusEndpoint? metrics;
        try
        {
            _connectors = CreateConnectors();

            if (_options.OutputFolder is { } folder)
            {
                // Written interval by interval, so a killed run still leaves every finished second on disk.
                Directory.CreateDirectory(folder);
                _log = new HistogramLogStream(File.Create(Path.Combine(folder, "latency.hlog")), _startedUtc);
            }

            // Live metrics for the whole run, connects included; stopped once the result is built.
            metrics = _options.Metrics is { } at ? PrometheusEndpoint.Start(at, RenderMetrics) : null;
        }
        catch
        {
            // Refused or failed before the first session: what was started goes, so the caller can report and exit.
            _log?.Dispose();
            if (proxy is not null)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }

            if (embedded is not null)
            {
                await embedded.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        TimeSpan duration = _options.Duration ?? _profile.Duration;
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        run.CancelAfter(duration);
        var sampler = new Timer(_ => SampleAndWatch(run), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        try
        {
            MemoryReading before = MemoryReading.Take();
            int loops = _options.Loops ?? (EpollLoop.IsSupported ? EpollLoops.DefaultCount : 0);
            _loops = loops > 0 && EpollLoop.IsSupported ? new EpollLoops(loops) : null;
            CreateSessions();
            await ConnectAsync(GroupRole.Subscriber, run.Token).ConfigureAwait(false);
            await SubscribeAsync(run.Token).ConfigureAwait(false);
            await ConnectAsync(GroupRole.Publisher, run.Token).ConfigureAwait(false);
            await SubscribeAsync(run.Token, requesters: true).ConfigureAwait(false);

            // Every session is connected and none has sent anything yet: what an idle session costs the generator.
            _memory = MemoryFootprint.Between(before, MemoryReading.Take(), _sessions.Count(s => s.Client.IsConnected));

            Sample(_profile.Warmup > TimeSpan.Zero ? RunPhase.Warmup : RunPhase.Measure);
            _ = TickAsync(run.Token);
            Task warmup = WarmupAsync(run.Token);
            var groups = _profile.Groups.Where(g => g.Role == GroupRole.Publisher).Select(g => RunStagesAsync(g, run.Token)).ToList();
            Task[] interruptions = [.. _profile.Groups.Where(g => g.Abort is not null || g.Offline is not null).Select(g => InterruptAsync(g, run.Token))];
            if (groups.Count == 0)
            {
                // Subscribers only (messages come from elsewhere): listen for the whole duration.
                await Task.Delay(Timeout.Infinite, run.Token).ConfigureAwait(false);
            }

            await Task.WhenAll(groups).ConfigureAwait(false);
            if (groups.Count > 0)
            {
                // An interval ends where the stages do, so the time series tells the offered span from the drain.
                Sample();
            }

            await warmup.ConfigureAwait(false);
            await Task.WhenAll(interruptions).ConfigureAwait(false);
            await AwaitWillsAsync(run.Token).ConfigureAwait(false);
            await AwaitResponsesAsync(run.Token).ConfigureAwait(false);
            await DrainAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // The duration ran out, Ctrl+C, or every session lost its broker: the results gathered so far are written.
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A fault in the engine itself ends the run, never the results: what was gathered is written, marked
            // partial with the failure, and the verdict fails.
            _partial = $"engine failure: {ex.GetType().Name}: {ex.Message}";
            run.Cancel();
        }

        await sampler.DisposeAsync().ConfigureAwait(false);
        CountInterruptions();
        foreach (Session away in _sessions.Where(s => s.Away && s.Audit is { Shared: false }))
        {
            // Still away when the run ended (its duration came first): what it missed was never delivered yet, not
            // lost; it is left out of the audit rather than blamed on the broker.
            away.Audit = null;
        }

        // The run ended (its duration, Ctrl+C) while some sessions still waited for CONNACK: each is a connect failure
        // with that cause, not a session that merely never counted.
        foreach (Session session in _sessions.Where(s => s.AwaitingConnAck))
        {
            if (FailAttempt(session))
            {
                _counters.AddError(ErrorReasons.ConnectFailed("no CONNACK before the run ended", reconnect: session.Connected));
            }
        }

        Sample();
        if (cancellationToken.IsCancellationRequested)
        {
            _partial = "cancelled (Ctrl+C)";
        }
        else if (_partial is null && _sessions.Count > 0 && _sessions.All(s => !s.Client.IsConnected && !s.TakenAway))
        {
            _partial = EveryConnectionGone();
        }

        await ClearRetainedAsync().ConfigureAwait(false);

        // Before the sessions close: what is still unacknowledged on a live connection after the drain.
        // Requests past their timeout are timeouts; the rest were still unanswered when the run ended. A request the
        // broker still has not acknowledged is judged by the acknowledged rule, not a second time as a missing response.
        WithdrawUnacknowledgedRequests();
        TimeOutRequests(all: false);
        TimeOutRequests(all: true);
        long inflightAtEnd = _sessions.Where(s => s.Group.Role == GroupRole.Publisher && s.Client.IsConnected).Sum(s => (long)s.Client.Session.InFlight);
        _stopping = true;
        ResendCounters resends = SumResends();
        long bytesSent = _sessions.Sum(s => s.Client.BytesSent);
        long bytesReceived = _sessions.Sum(s => s.Client.BytesReceived);
        foreach (Session session in _sessions)
        {
            session.Client.Disconnect();
        }

        try
        {
            await Task.WhenAll(_sessions.Select(s => s.Run ?? Task.CompletedTask)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A session's run faulted (a handler's exception on its loop): the results are still written, marked partial.
            _partial ??= $"engine failure: {ex.GetType().Name}: {ex.Message}";
        }

        long brokerDropped = embedded?.DroppedMessages ?? 0;
        IReadOnlyList<QosAudit> audit = Audit(brokerDropped);
        Dictionary<string, long>? faults = proxy?.Counters.Snapshot();
        if (proxy is not null)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }

        foreach (Session session in _sessions)
        {
            session.Client.Dispose();
        }

        _loops?.Dispose();

        if (embedded is not null)
        {
            await embedded.DisposeAsync().ConfigureAwait(false);
        }

        _log?.Dispose();
        if (metrics is not null)
        {
            await metrics.DisposeAsync().ConfigureAwait(false);
        }

        return BuildResult(broker, audit, resends, brokerDropped, bytesSent, bytesReceived, inflightAtEnd, embedded is not null, faults);
    }

    // clear_retained: an empty retained message to every topic a publisher retained on, which makes the broker forget
    // the topic's retained message (§3.3.1.3). QoS 0 keeps it out of the handshake metrics; it is written before the
    // DISCONNECT on the same connection, which the broker reads in order.
    private async Task ClearRetainedAsync()
    {
        foreach (Session session in _sessions.Where(s => s.Group.ClearRetained && s.Retained && s.Client.IsConnected))
        {
            IEnumerable<byte[]> topics = session.RetainedTopics is { } drawn
                ? drawn.Select(System.Text.Encoding.UTF8.GetBytes).ToArray()
                : [session.Topic];
            foreach (byte[] topic in topics)
            {
                if (session.Client.Publish(topic, ReadOnlyMemory<byte>.Empty, 0, retain: true).Rc == MqttErrorCode.Success)
                {
                    _counters.Add(RunCounter.RetainedCleared);
                }
            }

            try
            {
                await session.Client.FlushAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException)
            {
                // The connection went meanwhile: its clears went with it, and the count says how many were written.
            }
        }
    }

    // Why no session is connected any more, named from what was counted: "the broker refused all 5 connections: not
    // authorized (5)", "no CONNACK within 10 s", "the broker closed every connection: packet too large (0x95)".
    private string EveryConnectionGone()
    {
        KeyValuePair<string, long>[] errors = _counters.ErrorsByReason.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).ToArray();
        string Top(Func<string, bool> which, string prefix) =>
            errors.Where(e => which(e.Key)).Select(e => e.Key.StartsWith(prefix, StringComparison.Ordinal) ? e.Key[prefix.Length..] : e.Key).FirstOrDefault() ?? "no cause counted";
        int sessions = _sessions.Count;
        if (_counters[RunCounter.SessionsConnected] == 0)
        {
            if (errors.Length > 0 && errors.All(e => e.Key.StartsWith(ErrorReasons.ConnectRefusedPrefix, StringComparison.Ordinal)))
            {
                return $"the broker refused all {sessions} connections: {Top(k => true, ErrorReasons.ConnectRefusedPrefix)}";
            }

            return errors.Length == 1 && errors[0].Key.StartsWith(ErrorReasons.ConnectPrefix + "no CONNACK", StringComparison.Ordinal)
                ? $"{Top(k => true, ErrorReasons.ConnectPrefix)} (all {sessions} sessions)"
                : $"no session connected: {Top(ErrorReasons.IsConnectFailure, "")}";
        }

        // Said as the broker's doing only when it was: it disconnected or closed. A malformed packet or an overdue
        // PINGRESP made the generator close the connection itself.
        string top = Top(k => !ErrorReasons.IsConnectFailure(k), "");
        string cause = top.StartsWith(ErrorReasons.ServerDisconnectPrefix, StringComparison.Ordinal) ? top[ErrorReasons.ServerDisconnectPrefix.Length..] : top;
        return ErrorReasons.IsClosedByGenerator(top) ? $"every connection was closed: {cause}" : $"the broker closed every connection: {cause}";
    }

    // The shared async model has no loop of its own to notice time passing: keep-alive PINGREQs, interval resends and
    // acknowledgement timeouts happen when the session is ticked. Twice per resend interval or ack timeout, at most
    // once a second.
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        TimeSpan[] intervals = _profile.Groups.SelectMany(g => new[] { g.ResendInterval, g.AckTimeout }).Where(t => t > TimeSpan.Zero).Select(t => t / 2).ToArray();
        TimeSpan period = intervals.Length > 0 ? TimeSpan.FromTicks(Math.Clamp(intervals.Min().Ticks, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.TicksPerSecond)) : TimeSpan.FromSeconds(1);
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false) && !_stopping)
            {
                foreach (Session session in _sessions)
                {
                    if (session.Client.IsConnected)
                    {
                        _ = session.Client.TickAsync(CancellationToken.None);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    private async Task WarmupAsync(CancellationToken cancellationToken)
    {
        if (_profile.Warmup <= TimeSpan.Zero)
        {
            return;
        }

        await Task.Delay(_profile.Warmup, cancellationToken).ConfigureAwait(false);

        // Warm-up data (JIT, first bursts) stays out of the verdict: it is in the time series, not in the totals.
        Sample(RunPhase.Measure);
    }

    private void SampleAndWatch(CancellationTokenSource run)
    {
        try
        {
            Sample();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FileNotFoundException)
        {
            // A full disk or an exhausted descriptor table must not take the run and its results down with it.
            _counters.AddError($"sampler: {ex.GetType().Name}");
        }

        TimeOutReconnects();
        TimeOutRequests(all: false);

        // A broker that died takes every session with it; without reconnects nothing more can happen, so the run
        // ends now with what it has, rather than idling to the end of its duration.
        if (_phase != RunPhase.Connect && _sessions.Count > 0 && _sessions.All(s => !s.Client.IsConnected && !s.TakenAway) &&
            _profile.Groups.All(g => g.ReconnectDelay <= TimeSpan.Zero))
        {
            _partial ??= EveryConnectionGone();
            run.Cancel();
        }
    }

    private async Task DrainAsync(TimeSpan limit)
    {
        // Give in-flight handshakes and deliveries a bounded moment to finish before disconnecting: until nothing is in
        // flight and deliveries have stopped arriving for a moment, so the audit does not count a message still on its
        // way (a resend after a lost acknowledgement, say) as lost.
        var clock = Stopwatch.StartNew();
        long received = -1;
        var quiet = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            long now = _counters[RunCounter.Received];
            if (now != received)
            {
                received = now;
                quiet.Restart();
            }

            bool inFlight = _sessions.Any(s => s.Client.Session.InFlight > 0 && s.AbortedAt == 0);
            if (!inFlight)
            {
                // How long the broker took to acknowledge what was in flight when the stages ended: its recovery.
                _drainSeconds ??= clock.Elapsed.TotalSeconds;
            }

            if (!inFlight && quiet.Elapsed > TimeSpan.FromMilliseconds(300))
            {
                return;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

    }
}
