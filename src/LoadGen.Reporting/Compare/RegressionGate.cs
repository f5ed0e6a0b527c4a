using System.Globalization;
using System.Text.RegularExpressions;
using LoadGen.Engine;

namespace LoadGen.Reporting;

/// <summary>
/// A regression gate such as <c>p99.qos1 +10%</c> (fail when the candidate's QoS 1 p99 response time is more than
/// 10 % above the baseline's) or <c>throughput -5%</c> (fail when throughput drops more than 5 %). The sign says which
/// way is worse. Measures: <c>throughput</c>, <c>error_rate</c>, <c>capacity</c> (a capacity search's answer), and <c>p50</c>, <c>p90</c>, <c>p99</c>,
/// <c>p99.9</c> or <c>max</c> of a histogram (response time; prefix <c>service.</c> for service time).
/// </summary>
public sealed partial record RegressionGate(string Text, string Measure, double Percent)
{
    /// <summary>Parses a gate, or says what is wrong and what is allowed.</summary>
    public static RegressionGate Parse(string text)
    {
        Match m = Syntax().Match(text.Trim());
        if (!m.Success)
        {
            throw new FormatException($"--fail-if \"{text}\": expected a measure and a change, for example \"p99.qos1 +10%\" or \"throughput -5%\"; " +
                "measures: throughput, error_rate, capacity, p50|p90|p99|p99.9|max.<histogram>, service.p99.<histogram>");
        }

        return new RegressionGate(text.Trim(), m.Groups["measure"].Value, double.Parse(m.Groups["change"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The measure's value in a run, or null when the run does not have it.</summary>
    public static double? Value(RunResult run, string measure)
    {
        if (measure == "throughput")
        {
            return run.Throughput;
        }

        if (measure == "error_rate")
        {
            return run.ErrorRate;
        }

        if (measure == "capacity")
        {
            // Only an answer is a capacity: a search that found none, or that the generator limited, has no figure to gate.
            return run.Capacity is { Passed: true } c ? c.MaxRate : null;
        }

        bool service = measure.StartsWith("service.", StringComparison.Ordinal);
        string rest = service ? measure["service.".Length..] : measure;
        string[] statistics = ["p99.9", "p50", "p90", "p99", "max"];
        string? statistic = statistics.FirstOrDefault(s => rest.StartsWith(s + ".", StringComparison.Ordinal));
        if (statistic is null)
        {
            return null;
        }

        string histogram = rest[(statistic.Length + 1)..];
        IReadOnlyDictionary<string, LatencySummary> source = service ? run.Service : run.Response;
        if (!source.TryGetValue(histogram, out LatencySummary? s))
        {
            return null;
        }

        return statistic switch
        {
            "p50" => s.P50,
            "p90" => s.P90,
            "p99" => s.P99,
            "p99.9" => s.P999,
            _ => s.Max,
        };
    }

    /// <summary>A value of this gate's measure with its unit: <c>3.281 ms</c>, <c>1200 msg/s</c>, <c>0.05 %</c>; <c>-</c> when missing.</summary>
    public string Format(double? value) => value switch
    {
        null => "-",
        { } v when Measure is "throughput" or "capacity" => Units.MessagesPerSecond(v),
        { } v when Measure == "error_rate" => Units.Percent(v),
        { } v => Units.Milliseconds(v),
    };

    /// <summary>Checks the gate: the candidate fails it when it moved the wrong way by more than the allowance.</summary>
    public GateOutcome Check(RunResult baseline, RunResult candidate)
    {
        double? b = Value(baseline, Measure);
        double? c = Value(candidate, Measure);
        if (b is null || c is null)
        {
            RunResult missing = b is null ? baseline : candidate;
            string which = b is null ? "baseline" : "candidate";
            return new GateOutcome(this, b, c, null, false, Measure == "capacity" && missing.Capacity is { } search
                ? $"the {which}'s search found no confirmed capacity ({search.Verdict})"
                : $"{Measure} is missing from the {which}");
        }

        double change = b.Value == 0 ? (c.Value == 0 ? 0 : double.PositiveInfinity) : (c.Value - b.Value) / b.Value * 100;
        bool failed = Percent >= 0 ? change > Percent : change < Percent;
        return new GateOutcome(this, b, c, change, !failed, null);
    }

    [GeneratedRegex(@"^(?<measure>[a-z0-9_.]+)\s+(?<change>[+-]\d+(\.\d+)?)%$")]
    private static partial Regex Syntax();
}

/// <summary>A gate's verdict.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="Baseline">The baseline's value.</param>
/// <param name="Candidate">The candidate's value.</param>
/// <param name="ChangePercent">The change from baseline to candidate, in percent.</param>
/// <param name="Passed">True when the candidate is within the allowance.</param>
/// <param name="Problem">Why the gate could not be checked, if it could not (counts as failed).</param>
public sealed record GateOutcome(RegressionGate Gate, double? Baseline, double? Candidate, double? ChangePercent, bool Passed, string? Problem);
