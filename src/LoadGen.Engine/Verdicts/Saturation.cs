namespace LoadGen.Engine;

/// <summary>
/// Whether one step of a capacity search sustained its offered rate, and if not, who saturated: the generator (it
/// could not offer the rate), the network (connects or connections failed at the socket) or the broker (an SLO or
/// rule broke on what it did). Checked in that order, so the broker is never blamed for the generator's limit.
/// </summary>
public static class Saturation
{
    /// <summary>The share of the offered rate the broker must acknowledge for a step to count as sustained.</summary>
    public const double AchievedShare = 0.95;

    /// <summary>The share of every core past which a failed step is the generator's, when the broker runs elsewhere.</summary>
    public const double GeneratorCpuShare = 0.9;

    /// <summary>Judges <paramref name="step"/>, a run offered <paramref name="offered"/> msg/s for <paramref name="seconds"/> measured seconds.</summary>
    public static CapacityStep Judge(RunResult step, double offered, double seconds, int index, string phase)
    {
        (double sent, double achieved) = Rates(step, seconds);
        double cpu = RunVerdict.CpuShare(step) is var share && double.IsFinite(share) ? share : 0;
        bool cpuIncludesBroker = step.Generator?.IncludesBroker ?? false;
        double lag = step.Response.TryGetValue(Lag, out LatencySummary? l) ? l.P99 : 0;
        (bool passed, LimitedBy? by, string? broke) = Blame(step, offered, sent, achieved, lag, cpu, cpuIncludesBroker);
        return new CapacityStep
        {
            Index = index,
            Phase = phase,
            Offered = offered,
            Sent = sent,
            Achieved = achieved,
            Passed = passed,
            Broke = broke,
            LimitedBy = by,
            Latency = step.Response.Where(r => step.Service.ContainsKey(r.Key)).ToDictionary(r => r.Key, r =>
                new StepLatency(r.Value.P50, r.Value.P99, r.Value.P999, step.Service[r.Key].P50, step.Service[r.Key].P99, step.Service[r.Key].P999)),
            Errors = step.Errors.Values.Sum(),
            Lost = step.Counters.Get(RunCounter.Lost),
            GeneratorCpu = cpu,
            GeneratorCpuIncludesBroker = cpuIncludesBroker,
            GeneratorLagP99 = lag,
            DrainSeconds = step.DrainSeconds,
            Seconds = step.Seconds,
        };
    }

    private static readonly string Lag = LatencyMetrics.Of(LatencyMetric.GeneratorLag).Name;

    private static (bool Passed, LimitedBy? By, string? Broke) Blame(RunResult step, double offered, double sent, double achieved, double lag, double cpu, bool cpuIncludesBroker)
    {
        bool keptUp = achieved >= AchievedShare * offered;
        if (step.Passed && keptUp)
        {
            return (true, null, null);
        }

        // The generator first: a broker is never blamed for a rate the generator did not offer. Its own failure, its
        // schedule rule, an SLO on its lag (which takes that rule's place), then what it did while no window was full
        // (nothing the broker did held it): it sent too little, or too late, or it used every core.
        if (step.Partial && step.PartialReason?.StartsWith("engine failure", StringComparison.Ordinal) == true)
        {
            return (false, LimitedBy.Generator, $"the generator failed: {step.PartialReason}");
        }

        if (step.Rules.FirstOrDefault(r => r.Rule == "generator" && !r.Passed) is { } generator)
        {
            return (false, LimitedBy.Generator, generator.Text);
        }

        if (step.Slos.FirstOrDefault(s => !s.Passed && ProfileLoader.ParseSlo(s.Threshold).Histogram == Lag) is { } lagSlo)
        {
            return (false, LimitedBy.Generator, $"{lagSlo.Threshold}: measured {lagSlo.Shown} (the generator's own lateness)");
        }

        bool heldByBroker = step.Counters.Get(RunCounter.Backlogged) > 0;
        if (!heldByBroker && sent < AchievedShare * offered)
        {
            return (false, LimitedBy.Generator, $"the generator sent {Units.MessagesPerSecond(Math.Round(sent))} of {Units.MessagesPerSecond(offered)} offered, with no window full to hold it");
        }

        if (!heldByBroker && lag > RunCounters.LateThreshold.TotalMicroseconds)
        {
            return (false, LimitedBy.Generator, $"the generator's lag p99 was {Units.Milliseconds(lag)}, over {Durations.Format(RunCounters.LateThreshold)}, with no window full to hold it");
        }

        if (!cpuIncludesBroker && cpu >= GeneratorCpuShare)
        {
            return (false, LimitedBy.Generator, $"the generator's CPU was {Units.Percent(Math.Round(cpu, 3))} of {step.Host!.ProcessorCount} cores");
        }

        if (step.Partial && step.PartialReason?.StartsWith("cancelled", StringComparison.Ordinal) == true)
        {
            return (false, LimitedBy.None, $"complete: {step.PartialReason}");
        }

        KeyValuePair<string, long>[] network = step.Errors.Where(e => ErrorReasons.IsNetwork(e.Key)).OrderByDescending(e => e.Value).ToArray();
        if (network.Length > 0)
        {
            return (false, LimitedBy.Network, string.Join(", ", network.Take(3).Select(e => $"{e.Key} ×{e.Value}")));
        }

        // The broker: the first SLO that broke, else the first rule, else the audit, else the rate it did not keep up with.
        if (step.Slos.FirstOrDefault(s => !s.Passed) is { } slo)
        {
            return (false, LimitedBy.Broker, $"{slo.Threshold}: measured {slo.Shown}");
        }

        if (step.Rules.FirstOrDefault(r => !r.Passed) is { } rule)
        {
            return (false, LimitedBy.Broker, $"{rule.Rule}: {rule.Text}");
        }

        if (step.Audit.FirstOrDefault(a => !a.Passed) is { } audit)
        {
            return (false, LimitedBy.Broker, $"delivery audit QoS {audit.Qos}: {audit.Verdict}");
        }

        return (false, LimitedBy.Broker, $"achieved: {Units.MessagesPerSecond(achieved)} acknowledged of {Units.MessagesPerSecond(offered)} offered (under {Units.Percent(AchievedShare)})");
    }

    // Sent and acknowledged per second over the step's measured intervals while its stages ran: what the stage sent
    // past its end (catching up a backlog) and what the drain acknowledged are left out. The runner cuts an interval
    // where the stages end, but a moment after the last send, so a short last interval is left out too: its few
    // messages over its length would read as a broker falling behind.
    private static (double Sent, double Achieved) Rates(RunResult step, double seconds)
    {
        TimelinePoint[] measured = step.Timeline.Where(p => p.Phase == RunPhase.Measure && p.Seconds > 0).ToArray();
        var window = new List<TimelinePoint>();
        double covered = 0;
        foreach (TimelinePoint p in measured)
        {
            if (covered + p.Seconds > seconds + 0.25)
            {
                break;
            }

            covered += p.Seconds;
            window.Add(p);
        }

        if (window.Count > 1 && window[^1].Seconds < 0.5)
        {
            window.RemoveAt(window.Count - 1);
        }

        if (window.Count == 0 && measured.Length > 0)
        {
            // A first interval longer than the step: its rates.
            window.Add(measured[0]);
        }

        double length = window.Sum(p => p.Seconds);
        return length <= 0 ? (0, 0) : (window.Sum(p => p.Sent) / length, window.Sum(p => p.Acknowledged) / length);
    }
}
