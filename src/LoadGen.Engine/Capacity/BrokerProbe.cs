using System.Diagnostics;
using LoadGen.Client;

namespace LoadGen.Engine;

/// <summary>
/// How long a broker takes to acknowledge one QoS 1 PUBLISH on a connection of its own: measured before a capacity
/// search (the broker at rest) and after each step, until the broker answers as it did at rest again. That wait is the
/// broker's recovery, and the next step starts only after it, so a step never inherits the last one's backlog.
/// </summary>
public sealed class BrokerProbe : IDisposable
{
    private static readonly byte[] Payload = "loadgen capacity probe"u8.ToArray();
    private readonly string _host;
    private readonly int _port;
    private readonly string _topic = $"loadgen/probe/{Guid.NewGuid():N}";
    private MqttClient? _client;
    private int _acknowledged = -1;

    private BrokerProbe(string host, int port) => (_host, _port) = (host, port);

    /// <summary>The broker at rest: the median of five round trips; null when it could not be probed (not plain TCP, refused).</summary>
    public TimeSpan? AtRest { get; private set; }

    /// <summary>
    /// A probe of the first broker of <paramref name="broker"/>, measured at rest; null when it is not a plain
    /// <c>mqtt://</c> broker. <see cref="AtRest"/> is null when fewer than three of five round trips came back.
    /// </summary>
    public static async Task<BrokerProbe?> StartAsync(string broker, CancellationToken cancellationToken)
    {
        BrokerAddress first = BrokerAddress.ParseList(broker)[0];
        if (first.Scheme != "mqtt")
        {
            return null;
        }

        var probe = new BrokerProbe(first.Host, first.Port);
        var trips = new List<TimeSpan>();
        for (int i = 0; i < 5 && !cancellationToken.IsCancellationRequested; i++)
        {
            if (await probe.RoundTripAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false) is { } trip)
            {
                trips.Add(trip);
            }
        }

        probe.AtRest = trips.Count >= 3 ? trips.Order().ElementAt(trips.Count / 2) : null;
        return probe;
    }

    /// <summary>
    /// Waits, at most <paramref name="limit"/>, until two round trips in a row are back near the broker at rest (within
    /// three times it, or 10 ms more); returns the seconds until the first of them, or null when it did not recover
    /// within the limit, was not measured at rest, or the wait was cancelled.
    /// </summary>
    public async Task<double?> RecoverAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        if (AtRest is not { } rest)
        {
            return null;
        }

        TimeSpan near = TimeSpan.FromTicks(Math.Max(rest.Ticks * 3, (rest + TimeSpan.FromMilliseconds(10)).Ticks));
        var clock = Stopwatch.StartNew();
        int good = 0;
        double recoveredAt = 0;
        try
        {
            while (clock.Elapsed < limit)
            {
                double sent = clock.Elapsed.TotalSeconds;
                TimeSpan? trip = await RoundTripAsync(limit - clock.Elapsed, cancellationToken).ConfigureAwait(false);
                good = trip is { } t && t <= near ? good + 1 : 0;
                if (good == 1)
                {
                    // Recovered when the first of the good round trips went out; the second only confirms it.
                    recoveredAt = sent;
                }

                if (good == 2)
                {
                    return recoveredAt;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C while waiting: the search ends with what it has; this wait has no figure.
        }

        return null;
    }

    // The blocking round trip on a thread of its own, so a broker that never answers holds no pool thread hostage past
    // its timeout, and cancelling returns at once.
    private Task<TimeSpan?> RoundTripAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => RoundTrip(timeout), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(cancellationToken);

    // One QoS 1 PUBLISH to PUBACK, on the probe's connection (opened again if it was lost); null on failure or timeout.
    private TimeSpan? RoundTrip(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        if (_client is not { IsConnected: true } && !Connect(timeout))
        {
            return null;
        }

        MqttClient client = _client!;
        long started = Stopwatch.GetTimestamp();
        (MqttErrorCode rc, int mid) = client.Publish(_topic, Payload, qos: 1);
        if (rc != MqttErrorCode.Success)
        {
            return null;
        }

        while (Volatile.Read(ref _acknowledged) != mid && clock.Elapsed < timeout)
        {
            if (client.Loop(TimeSpan.FromMilliseconds(10)) != MqttErrorCode.Success)
            {
                return null;
            }
        }

        return Volatile.Read(ref _acknowledged) == mid ? Stopwatch.GetElapsedTime(started) : null;
    }

    private bool Connect(TimeSpan timeout)
    {
        _client?.Dispose();
        var client = new MqttClient($"loadgen-probe-{Guid.NewGuid():N}"[..23]);
        client.OnPublish = (_, _, mid) => Volatile.Write(ref _acknowledged, mid);
        _client = client;
        try
        {
            if (client.Connect(() => TcpTransport.Connect(_host, _port, timeout)) != MqttErrorCode.Success)
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or InvalidOperationException)
        {
            // Refused, unreachable, a name without an address: no probe, and the search goes on without one.
            return false;
        }

        var clock = Stopwatch.StartNew();
        while (!client.IsConnected && clock.Elapsed < timeout)
        {
            if (client.Loop(TimeSpan.FromMilliseconds(10)) != MqttErrorCode.Success)
            {
                return false;
            }
        }

        return client.IsConnected;
    }

    /// <summary>Disconnects the probe's connection.</summary>
    public void Dispose()
    {
        _client?.Disconnect();
        _client?.Dispose();
    }
}
