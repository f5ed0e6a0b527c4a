using System.Globalization;

namespace LoadGen.Engine;

/// <summary>
/// <c>loadgen calibrate</c>: proves the latency numbers true against a ground truth. The fault proxy adds a known
/// delay each way; QoS 1 (one round trip) must then take two holds longer, and the whole QoS 2 flow (two round
/// trips) four, than the same light load without the delay. Comparing with the undelayed run takes the broker's own
/// time out, so what is checked is LoadGen's measurement alone. The holds are what the proxy measured it held each
/// packet (median per direction), not the delay asked: on a busy machine a wake-up comes late, the packet is held that
/// much longer, and LoadGen is right to measure it; how far the holds are from the delay is reported beside.
/// </summary>
public static class Calibration
{
    /// <summary>Runs the undelayed and the delayed load and compares the median service times.</summary>
    public static async Task<CalibrationResult> RunAsync(TimeSpan delay, TimeSpan duration, double tolerancePercent, string broker, CancellationToken cancellationToken)
    {
        // A discarded warm-up first: in a fresh process the first run's path is partly still unoptimised (tiered JIT
        // promotes it in the background, late on a busy machine), which slows the baseline alone and makes the added
        // time read short by that much (CI once measured 19.06 ms added for 20).
        await RunOnceAsync(TimeSpan.Zero, TimeSpan.FromSeconds(1), broker, cancellationToken).ConfigureAwait(false);
        RunResult baseline = await RunOnceAsync(TimeSpan.Zero, duration, broker, cancellationToken).ConfigureAwait(false);
        RunResult delayed = await RunOnceAsync(delay, duration, broker, cancellationToken).ConfigureAwait(false);
        // One hold each way per round trip, as the proxy measured them (the asked delay if it reported none).
        double up = delayed.Faults?.GetValueOrDefault("held_upstream_p50_us") is long u and > 0 ? u : delay.TotalMicroseconds;
        double down = delayed.Faults?.GetValueOrDefault("held_downstream_p50_us") is long d and > 0 ? d : delay.TotalMicroseconds;
        double expected1 = up + down, expected2 = 2 * (up + down);
        string qos1 = LatencyMetrics.Handshake(1).Name, qos2 = LatencyMetrics.Handshake(2).Name;
        double base1 = baseline.Service[qos1].P50, base2 = baseline.Service[qos2].P50;
        double p1 = delayed.Service[qos1].P50, p2 = delayed.Service[qos2].P50;
        double error1 = ((p1 - base1) - expected1) / expected1 * 100;
        double error2 = ((p2 - base2) - expected2) / expected2 * 100;
        return new CalibrationResult(delay.TotalMilliseconds, base1, p1, error1, base2, p2, error2, tolerancePercent,
            Math.Abs(error1) <= tolerancePercent && Math.Abs(error2) <= tolerancePercent, delayed.Faults?.GetValueOrDefault("delayed") ?? 0)
        {
            HeldUpstreamMicroseconds = up,
            HeldDownstreamMicroseconds = down,
        };
    }

    private static Task<RunResult> RunOnceAsync(TimeSpan delay, TimeSpan duration, string broker, CancellationToken cancellationToken)
    {
        // One publisher at a light 40 msg/s, half QoS 1 and half QoS 2: nothing queues, so the median is the path itself.
        string ms = delay.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        string seconds = duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        string yaml = $$"""
            name: calibrate
            broker: {{broker}}
            duration: {{duration.TotalSeconds + 10}}s
            faults: { delay: { upstream: {{ms}}ms, downstream: {{ms}}ms } }
            groups:
              - name: probe
                role: publisher
                sessions: 1
                topic: "calibrate/%i"
                qos: { 1: 1, 2: 1 }
                payload: 64
                stages: [ { inject: { rate: 40/s, during: {{seconds}}s } } ]
            """;
        return LoadRunner.RunAsync(ProfileLoader.Parse(yaml, "calibrate"), new RunOptions(), cancellationToken);
    }
}

/// <summary>A calibration's outcome: medians in microseconds, errors in percent of the expected added time.</summary>
/// <param name="DelayMilliseconds">The delay added each way.</param>
/// <param name="Qos1BaseP50">QoS 1 PUBLISH→PUBACK median without the delay.</param>
/// <param name="Qos1P50">With the delay.</param>
/// <param name="Qos1ErrorPercent">How far the added time is from the two holds of a round trip.</param>
/// <param name="Qos2BaseP50">QoS 2 PUBLISH→PUBCOMP median without the delay.</param>
/// <param name="Qos2P50">With the delay.</param>
/// <param name="Qos2ErrorPercent">How far the added time is from the four holds of two round trips.</param>
/// <param name="TolerancePercent">The tolerance.</param>
/// <param name="Passed">Both within the tolerance.</param>
/// <param name="DelayedPackets">Packets the proxy delayed.</param>
public sealed record CalibrationResult(double DelayMilliseconds, double Qos1BaseP50, double Qos1P50, double Qos1ErrorPercent,
    double Qos2BaseP50, double Qos2P50, double Qos2ErrorPercent, double TolerancePercent, bool Passed, long DelayedPackets)
{
    /// <summary>The median time the proxy held a delayed packet on its way to the broker, microseconds.</summary>
    public double HeldUpstreamMicroseconds { get; init; }

    /// <summary>The median time the proxy held a delayed packet on its way to the client, microseconds.</summary>
    public double HeldDownstreamMicroseconds { get; init; }

    /// <summary>The outcome in words, invariant culture.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"""
        calibration: {DelayMilliseconds:0.###} ms asked each way of the fault proxy ({DelayedPackets} packets delayed); it held them p50 {HeldUpstreamMicroseconds / 1000:0.000} ms upstream, {HeldDownstreamMicroseconds / 1000:0.000} ms downstream
          QoS 1 p50 {Qos1P50 / 1000:0.000} ms (without the delay {Qos1BaseP50 / 1000:0.000} ms): added {(Qos1P50 - Qos1BaseP50) / 1000:0.000} ms, expected {(HeldUpstreamMicroseconds + HeldDownstreamMicroseconds) / 1000:0.000} ms, off by {Qos1ErrorPercent:+0.00;-0.00} %
          QoS 2 p50 {Qos2P50 / 1000:0.000} ms (without the delay {Qos2BaseP50 / 1000:0.000} ms): added {(Qos2P50 - Qos2BaseP50) / 1000:0.000} ms, expected {2 * (HeldUpstreamMicroseconds + HeldDownstreamMicroseconds) / 1000:0.000} ms, off by {Qos2ErrorPercent:+0.00;-0.00} %
          {(Passed ? "PASS" : "FAIL")}: tolerance ±{TolerancePercent:0.##} %
        """);
}
