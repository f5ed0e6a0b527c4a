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
    private readonly List<Session> _sessions = new();
    private LatencyHistograms _latency = new();

    // Connects and subscriptions happen before the stages, so the warm-up reset must not throw them away.
    private readonly LatencyHistograms _setup = new();
    private string _host = "127.0.0.1";
    private int _port;

    private LoadRunner(LoadProfile profile, RunOptions options)
    {
        _profile = profile;
        _options = options;
    }

    /// <summary>Runs the profile to the end, or until <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<RunResult> RunAsync(LoadProfile profile, RunOptions options, CancellationToken cancellationToken)
    {
        var runner = new LoadRunner(profile, options);
        return await runner.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        DateTime startedUtc = DateTime.UtcNow;
        string broker = _options.Broker ?? _profile.Broker;
        EmbeddedBroker? embedded = null;
        if (broker == "embedded")
        {
            embedded = await EmbeddedBroker.StartAsync().ConfigureAwait(false);
            _port = embedded.Port;
        }
        else
        {
            var uri = new Uri(broker);
            (_host, _port) = (uri.Host, uri.Port);
        }

        string? partial = null;
        TimeSpan duration = _options.Duration ?? _profile.Duration;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(duration);
        var measured = Stopwatch.StartNew();
        long acknowledgedAtWarmup = 0;
        try
        {
            CreateSessions();
            await ConnectAsync(GroupRole.Subscriber, deadline.Token).ConfigureAwait(false);
            await SubscribeAsync(deadline.Token).ConfigureAwait(false);
            await ConnectAsync(GroupRole.Publisher, deadline.Token).ConfigureAwait(false);

            using var progress = new Timer(_ => Report(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            Task warmupSwitch = SwitchAfterWarmupAsync(deadline.Token, value => acknowledgedAtWarmup = value);
            var groups = _profile.Groups.Where(g => g.Role == GroupRole.Publisher).Select(g => RunStagesAsync(g, deadline.Token)).ToList();
            await Task.WhenAll(groups).ConfigureAwait(false);
            await warmupSwitch.ConfigureAwait(false);
            await DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The duration ran out, or Ctrl+C: either way, the results gathered so far are written.
        }

        if (cancellationToken.IsCancellationRequested)
        {
            partial = "cancelled (Ctrl+C)";
        }
        else if (_sessions.Count > 0 && _sessions.All(s => !s.Client.IsConnected))
        {
            partial = "every session lost its connection (broker gone?)";
        }

        double seconds = Math.Max(0.001, measured.Elapsed.TotalSeconds - _profile.Warmup.TotalSeconds);
        long missing = _sessions.Where(s => s.Audit is not null).Sum(s => s.Audit!.Missing);
        foreach (Session session in _sessions)
        {
            session.Client.Disconnect();
        }

        await Task.WhenAll(_sessions.Select(s => s.Run ?? Task.FromResult(MqttErrorCode.Success))).ConfigureAwait(false);
        long resends = _sessions.Sum(s => s.Client.Session.Resends.Total);
        long brokerDropped = embedded?.DroppedMessages ?? 0;
        foreach (Session session in _sessions)
        {
            session.Client.Dispose();
        }

        if (embedded is not null)
        {
            await embedded.DisposeAsync().ConfigureAwait(false);
        }

        return BuildResult(startedUtc, broker, seconds, partial, missing, resends, brokerDropped, acknowledgedAtWarmup);
    }

    private async Task SwitchAfterWarmupAsync(CancellationToken cancellationToken, Action<long> setAcknowledged)
    {
        if (_profile.Warmup <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(_profile.Warmup, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // Warm-up data (JIT, connection set-up, first bursts) stays out of the histograms and the throughput.
        Interlocked.Exchange(ref _latency, new LatencyHistograms());
        setAcknowledged(_counters.Acknowledged);
    }

    private void Report()
    {
        if (_options.Progress is null)
        {
            return;
        }

        LatencyHistograms latency = _latency;
        long connected = _sessions.Count(s => s.Client.IsConnected);
        double p99 = latency.Response(LatencyMetric.QoS1PubAck).TotalCount > 0
            ? latency.Response(LatencyMetric.QoS1PubAck).GetValueAtPercentile(99) / 1000.0
            : double.NaN;
        _options.Progress(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"sessions {connected}/{_sessions.Count}  sent {_counters.Sent}  acked {_counters.Acknowledged}  received {_counters.Received}  p99(qos1) {p99:F2} ms  errors {_counters.Errors}"));
    }

    private async Task DrainAsync(TimeSpan limit)
    {
        // Give in-flight handshakes and deliveries a bounded moment to finish before disconnecting.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit && _sessions.Any(s => s.Client.Session.InFlight > 0))
        {
            await Task.Delay(10).ConfigureAwait(false);
        }
    }
}
