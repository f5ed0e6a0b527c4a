using System.Diagnostics;
using System.Globalization;

namespace LoadGen.Engine;

/// <summary>What a capacity search is asked for; the defaults are <c>loadgen capacity</c>'s.</summary>
public sealed record CapacityOptions
{
    /// <summary>The finest precision a search may be asked for: finer, and the steps' own noise decides.</summary>
    public const double FinestPrecision = 0.005;

    /// <summary>What a search should take at most with the default step duration.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    /// <summary>The first rate tried, msg/s over every publisher.</summary>
    public double Start { get; init; } = 100;

    /// <summary>The highest rate tried; a broker that holds it has at least this capacity.</summary>
    public double Max { get; init; } = 1_000_000;

    /// <summary>How much each ramp step multiplies the rate by.</summary>
    public double Factor { get; init; } = 2;

    /// <summary>The bisection stops when the last good and the first bad rate are this close (a fraction of the good one).</summary>
    public double Precision { get; init; } = 0.05;

    /// <summary>Measured seconds per step (a confirmation holds twice this); null to fit the search into <see cref="Budget"/>.</summary>
    public TimeSpan? StepDuration { get; init; }

    /// <summary>SLOs that define "sustained", besides the profile's own and the default rules.</summary>
    public IReadOnlyList<SloThreshold> Slos { get; init; } = [];

    /// <summary>Failed confirmations tolerated, each lowering the answer by the precision, before the search gives up on confirming.</summary>
    public int Confirmations { get; init; } = 3;

    /// <summary>The ramp steps from <see cref="Start"/> to <see cref="Max"/>.</summary>
    public int RampSteps => (int)Math.Ceiling(Math.Log(Max / Start, Factor) - 1e-9) + 1;

    /// <summary>The bisection steps from one ramp factor down to <see cref="Precision"/>.</summary>
    public int BisectSteps => (int)Math.Ceiling(Math.Log2(Math.Max(2, (Factor - 1) / Precision)));

    /// <summary>The most steps a search can take; it never takes more.</summary>
    public int MaxSteps => RampSteps + BisectSteps + Confirmations;

    /// <summary>
    /// The step duration for <paramref name="profile"/>: as given; else what fits a typical search (every ramp step, the
    /// bisection, one confirmation of two steps) into <see cref="Budget"/> once each step's own cost is taken out (its
    /// connects, warm-up, drain and the recovery probe), between 2 and 10 s. A profile whose steps cost too much to fit
    /// gets 2 s, and <see cref="EstimatedSearch"/> says how long it will take.
    /// </summary>
    public TimeSpan StepFor(LoadProfile profile)
    {
        if (StepDuration is { } given)
        {
            return given;
        }

        int steps = RampSteps + BisectSteps + 1;
        double measured = (Budget - StepOverhead(profile) * steps).TotalSeconds / (steps + 1);
        return TimeSpan.FromSeconds(Math.Clamp(Math.Floor(measured), 2, 10));
    }

    /// <summary>How long a typical search of <paramref name="profile"/> takes at <see cref="StepFor"/>.</summary>
    public TimeSpan EstimatedSearch(LoadProfile profile)
    {
        int steps = RampSteps + BisectSteps + 1;
        return StepOverhead(profile) * steps + StepFor(profile) * (steps + 1);
    }

    // What a step costs beside its measured seconds: its sessions connecting at their groups' rates, the warm-up, the
    // drain's quiet moment, and the setting up and closing of a whole run.
    private static TimeSpan StepOverhead(LoadProfile profile) =>
        TimeSpan.FromSeconds(profile.Groups.Sum(g => g.Sessions / Math.Max(1, g.ConnectRate)))
        + (profile.Warmup > TimeSpan.Zero ? profile.Warmup : CapacityProfile.DefaultWarmup) + TimeSpan.FromSeconds(1.5);

    /// <summary>Why these options cannot be searched, naming the option, or null.</summary>
    public string? Problem() => this switch
    {
        _ when !(Start > 0) || !double.IsFinite(Start) => $"--start: {Start.ToString(CultureInfo.InvariantCulture)} is not a rate; allowed: a number of msg/s above 0",
        _ when !(Max >= Start) || !double.IsFinite(Max) => $"--max: {Max.ToString(CultureInfo.InvariantCulture)} is below --start {Start.ToString(CultureInfo.InvariantCulture)}; allowed: a rate at or above --start",
        _ when !(Precision >= FinestPrecision && Precision < 0.5) => $"--precision: {Units.Percent(Precision)} is out of range; allowed: {Units.Percent(FinestPrecision)} to below 50 %",
        _ when !(Factor > 1) => "the ramp factor must be above 1",
        _ when StepDuration is { } d && d < TimeSpan.FromSeconds(1) => $"--step-duration: {Durations.Format(d)} is too short to measure; allowed: 1s or more",
        _ => null,
    };
}

/// <summary>One step the search asks to be run: the profile at the step's rate, and where its results go.</summary>
/// <param name="Index">The step's place in the search, from 1.</param>
/// <param name="Phase"><c>ramp</c>, <c>bisect</c> or <c>confirm</c>.</param>
/// <param name="Rate">The offered rate, msg/s.</param>
/// <param name="Measured">Measured seconds.</param>
/// <param name="Profile">The profile to run.</param>
/// <param name="Folder">The step's folder name, relative to the search's.</param>
public sealed record CapacityStepPlan(int Index, string Phase, double Rate, TimeSpan Measured, LoadProfile Profile, string Folder);

/// <summary>A finished search: its answer, and the run that backs it (the confirmation, or the step that ended the search) with the answer attached.</summary>
public sealed record CapacityOutcome(CapacityResult Capacity, RunResult Result);

/// <summary>
/// <c>loadgen capacity</c>'s search: ramp the offered rate geometrically from the start until a step breaks, bisect
/// between the last good and the first bad rate down to the precision, then hold the answer for two step durations
/// to confirm it (a failed confirmation lowers it). Each step is a whole run of the profile at that rate, judged by
/// <see cref="Saturation"/>, so every step's histograms, counters and verdict are kept; before the next, the broker
/// is given time to recover. A step the generator limited ends the search: a higher rate would only measure the
/// generator again.
/// </summary>
public static class CapacitySearch
{
    /// <summary>
    /// Searches <paramref name="profile"/>'s capacity; <paramref name="runStep"/> runs one step (and writes its results),
    /// <paramref name="recover"/> waits before each next step for the broker to recover from the last and says how long
    /// that took (null when it cannot tell), <paramref name="log"/> hears a line per step. Cancelling ends the search
    /// with what it has.
    /// </summary>
    public static async Task<CapacityOutcome> RunAsync(LoadProfile profile, CapacityOptions options,
        Func<CapacityStepPlan, CancellationToken, Task<RunResult>> runStep, Func<CancellationToken, Task<double?>>? recover,
        Action<CapacityStep>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runStep);
        var clock = Stopwatch.StartNew();
        TimeSpan step = options.StepFor(profile);
        // A throughput floor would fail every step below it: the search measures throughput itself, so it sets them aside.
        IReadOnlyList<SloThreshold> all = [.. profile.Slos, .. options.Slos.Where(s => profile.Slos.All(p => p.Text != s.Text))];
        IReadOnlyList<SloThreshold> slos = [.. all.Where(s => s.Metric != "throughput")];
        LoadProfile withSlos = profile with { Slos = slos };
        var steps = new List<CapacityStep>();
        var runs = new List<RunResult>();

        async Task<CapacityStep> Step(string phase, double rate, TimeSpan during)
        {
            if (steps.Count > 0 && recover is not null)
            {
                // The last step's recovery, waited for now rather than after it, so the search's final step is not held.
                steps[^1] = steps[^1] with { RecoverySeconds = await recover(cancellationToken).ConfigureAwait(false) };
            }

            int index = steps.Count + 1;
            string folder = Path.Combine("steps", string.Create(CultureInfo.InvariantCulture, $"{index:00}-{phase}-{rate:0}"));
            LoadProfile at = CapacityProfile.At(withSlos, rate, during);
            RunResult run = await runStep(new CapacityStepPlan(index, phase, rate, during, at, folder), cancellationToken).ConfigureAwait(false);
            CapacityStep judged = Saturation.Judge(run, rate, during.TotalSeconds, index, phase) with { Folder = folder };
            steps.Add(judged);
            runs.Add(run);
            log?.Invoke(judged);
            return judged;
        }

        // A search ends early when cancelled, or on a step the generator limited (or that was itself cancelled), and
        // never takes more steps than its options allow.
        bool Stopped(CapacityStep s) => cancellationToken.IsCancellationRequested || steps.Count >= options.MaxSteps ||
            s.LimitedBy is LimitedBy.Generator or LimitedBy.None && !s.Passed;

        // Ramp.
        CapacityStep? good = null, bad = null;
        double rate = options.Start;
        while (true)
        {
            CapacityStep s = await Step("ramp", rate, step).ConfigureAwait(false);
            if (!s.Passed)
            {
                bad = s;
                break;
            }

            good = s;
            if (rate >= options.Max || Stopped(s))
            {
                break;
            }

            rate = Math.Min(options.Max, rate * options.Factor);
        }

        CapacityStep? lowestBad = bad;
        if (good is not null && bad is not null && !Stopped(bad))
        {
            // Bisect: the answer lies between the last good and the first bad rate.
            double lo = good.Offered, hi = bad.Offered;
            while ((hi - lo) / lo > options.Precision)
            {
                CapacityStep s = await Step("bisect", (lo + hi) / 2, step).ConfigureAwait(false);
                if (s.Passed)
                {
                    (good, lo) = (s, s.Offered);
                }
                else
                {
                    (lowestBad, hi) = (s, s.Offered);
                }

                if (Stopped(s))
                {
                    break;
                }
            }
        }

        // Confirm: hold the answer for two step durations; each failure lowers it by the precision.
        CapacityStep? confirmed = null, lastFailed = null;
        double? loweredFrom = null;
        if (good is not null && !Stopped(steps[^1]))
        {
            double answer = good.Offered;
            for (int attempt = 0; attempt < options.Confirmations; attempt++)
            {
                CapacityStep s = await Step("confirm", answer, step * 2).ConfigureAwait(false);
                if (s.Passed)
                {
                    confirmed = s;
                    break;
                }

                lastFailed = s;
                if (Stopped(s))
                {
                    break;
                }

                loweredFrom ??= answer;
                answer *= 1 - options.Precision;
            }
        }

        // A confirmed answer stands even if Ctrl+C came after it.
        bool cancelled = confirmed is null && (cancellationToken.IsCancellationRequested || steps.Any(s => s.LimitedBy == LimitedBy.None && !s.Passed));
        CapacityStep backing = confirmed ?? lastFailed ?? lowestBad ?? steps[^1];
        CapacityResult result = Conclude(options, steps, good, lowestBad, confirmed, lastFailed, loweredFrom, cancelled) with
        {
            Start = options.Start,
            Max = options.Max,
            Precision = options.Precision,
            StepSeconds = step.TotalSeconds,
            SearchSeconds = clock.Elapsed.TotalSeconds,
            Slos = slos.Select(s => s.Text).ToList(),
            SetAside = all.Where(s => s.Metric == "throughput").Select(s => s.Text).ToList(),
            Steps = steps,
            BackedBy = backing.Index,
        };

        // The run that backs the answer: the confirmation; else the step that ended the search.
        RunResult top = runs[steps.IndexOf(backing)];
        var rule = new VerdictRule("capacity", result.Passed, result.Verdict);
        return new CapacityOutcome(result, top with { Capacity = result, Rules = [.. top.Rules, rule] });
    }

    private static CapacityResult Conclude(CapacityOptions options, List<CapacityStep> steps, CapacityStep? good, CapacityStep? bad,
        CapacityStep? confirmed, CapacityStep? lastFailed, double? loweredFrom, bool cancelled)
    {
        static string Rate(double r) => Units.MessagesPerSecond(Math.Round(r));
        static string Who(LimitedBy? by) => by == LimitedBy.Network ? "network" : "broker";
        CapacityStep? ender = steps.LastOrDefault(s => !s.Passed && s.LimitedBy is LimitedBy.Generator);
        string lowered = loweredFrom is { } from && confirmed is not null ? $" (lowered from {Rate(from)}, whose confirmation failed)" : "";
        if (cancelled)
        {
            return new CapacityResult
            {
                MaxRate = 0, LimitedBy = LimitedBy.None, Passed = false, LoweredFrom = loweredFrom,
                Verdict = $"the search was cancelled after {steps.Count} steps" + (good is null ? "" : $"; the highest rate sustained so far was {Rate(good.Offered)}, not confirmed"),
            };
        }

        if (ender is not null)
        {
            // The generator's figure says how to add capacity when it came from its schedule rule; say it either way.
            string advice = ender.Broke?.Contains("add generator capacity", StringComparison.Ordinal) == true ? "" :
                "; add generator capacity: more cores for this process, or split the load over several generators (loadgen run --workers N, or --shard i/N on several machines)";
            return new CapacityResult
            {
                MaxRate = confirmed?.Offered ?? good?.Offered ?? 0, LimitedBy = LimitedBy.Generator, Breaking = ender.Broke, Confirmed = confirmed is not null,
                Passed = false, LoweredFrom = loweredFrom,
                Verdict = $"the generator, not the broker, limited the search at {Rate(ender.Offered)}: {ender.Broke}" + advice +
                    (good is null ? "" : $". The broker sustained {Rate(good.Offered)}, so its capacity is at least that"),
            };
        }

        if (good is null)
        {
            return new CapacityResult
            {
                MaxRate = 0, LimitedBy = bad?.LimitedBy ?? LimitedBy.Broker, Breaking = bad?.Broke, Passed = false,
                Verdict = $"the {Who(bad?.LimitedBy)} failed even the starting rate {Rate(options.Start)}: {bad?.Broke}; try a lower --start",
            };
        }

        if (confirmed is null)
        {
            return new CapacityResult
            {
                MaxRate = 0, LimitedBy = lastFailed?.LimitedBy ?? bad?.LimitedBy ?? LimitedBy.Broker, Breaking = lastFailed?.Broke ?? bad?.Broke, Passed = false,
                LoweredFrom = loweredFrom,
                Verdict = $"no rate could be confirmed: {steps.Count(s => s.Phase == "confirm")} holds from {Rate(good.Offered)} down failed, the last on {lastFailed?.Broke ?? "nothing (the search stopped)"}",
            };
        }

        // Above the answer, what broke first: the lowest rate that failed, a failed confirmation included.
        CapacityStep? breaking = steps.Where(s => !s.Passed && s.Offered > confirmed.Offered).MinBy(s => s.Offered);
        if (breaking is null)
        {
            return new CapacityResult
            {
                MaxRate = confirmed.Offered, LimitedBy = LimitedBy.None, Confirmed = true, Passed = true,
                Verdict = $"the broker sustained every rate up to --max {Rate(options.Max)}: its capacity is at least that",
            };
        }

        return new CapacityResult
        {
            MaxRate = confirmed.Offered, LimitedBy = breaking.LimitedBy ?? LimitedBy.Broker, Breaking = breaking.Broke, Confirmed = true, Passed = true, LoweredFrom = loweredFrom,
            Verdict = $"capacity {Rate(confirmed.Offered)}{lowered}, limited by the {Who(breaking.LimitedBy)}: at {Rate(breaking.Offered)} {breaking.Broke}",
        };
    }
}
