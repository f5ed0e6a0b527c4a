using System.Globalization;
using System.Text;

namespace LoadGen.Reporting;

/// <summary>
/// The codec regression gate, built for noisy shared machines: it compares only what stays stable there.
/// <list type="bullet">
/// <item>Allocated bytes per operation, exactly: any increase fails.</item>
/// <item>The ratio of our time to the MQTTnet row measured in the same process and run: fails when it worsens by
/// more than the tolerance (default 25 %). Both rows see the same machine at the same moment, so load on the machine
/// largely cancels out; absolute times are shown, never gated.</item>
/// </list>
/// </summary>
public static class BenchGate
{
    /// <summary>Compares every LoadGen row the candidate measured with the baseline's.</summary>
    public static BenchVerdict Compare(BenchRun baseline, BenchRun candidate, double tolerancePercent = 25)
    {
        var byKey = candidate.Entries.ToDictionary(e => e.Key);
        var findings = new List<BenchFinding>();
        var notMeasured = new List<string>();
        foreach (BenchEntry b in baseline.Entries.Where(e => !e.IsBaseline))
        {
            if (!byKey.TryGetValue(b.Key, out BenchEntry? c))
            {
                notMeasured.Add(b.Key);
                continue;
            }

            if (c.AllocatedBytes > b.AllocatedBytes)
            {
                findings.Add(new BenchFinding(b.Key, false,
                    $"allocates {c.AllocatedBytes} B per operation, the baseline {b.AllocatedBytes} B (+{c.AllocatedBytes - b.AllocatedBytes} B)", b, c, null));
            }

            if (b.Ratio is { } br && c.Ratio is { } cr)
            {
                double change = (cr - br) / br * 100;
                bool worse = change > tolerancePercent;
                findings.Add(new BenchFinding(b.Key, !worse, string.Create(CultureInfo.InvariantCulture,
                    $"time ratio to {c.BaselineKey ?? "its baseline"} {br:0.000} -> {cr:0.000} ({change:+0.0;-0.0;0.0} %, allowed +{tolerancePercent:0.#} %); median {b.MedianNanoseconds:0.0} -> {c.MedianNanoseconds:0.0} ns"),
                    b, c, change));
            }
            else if (c.AllocatedBytes <= b.AllocatedBytes)
            {
                findings.Add(new BenchFinding(b.Key, true, $"allocates {c.AllocatedBytes} B per operation (no ratio: no in-run baseline row)", b, c, null));
            }
        }

        bool compared = findings.Count > 0;
        return new BenchVerdict(compared && findings.All(f => f.Passed), findings, notMeasured, tolerancePercent);
    }
}

/// <summary>One benchmark's verdict.</summary>
/// <param name="Key">The benchmark.</param>
/// <param name="Passed">True when within the gate.</param>
/// <param name="Explanation">What was compared with what, and by how much it moved.</param>
/// <param name="Baseline">The baseline's entry.</param>
/// <param name="Candidate">The candidate's entry.</param>
/// <param name="RatioChangePercent">The ratio's change, for ratio findings.</param>
public sealed record BenchFinding(string Key, bool Passed, string Explanation, BenchEntry Baseline, BenchEntry Candidate, double? RatioChangePercent);

/// <summary>The gate's verdict over a whole run.</summary>
/// <param name="Passed">True when something was compared and nothing regressed.</param>
/// <param name="Findings">Every comparison made.</param>
/// <param name="NotMeasured">Baseline benchmarks the candidate did not run (a quick subset measures fewer).</param>
/// <param name="TolerancePercent">The ratio tolerance used.</param>
public sealed record BenchVerdict(bool Passed, IReadOnlyList<BenchFinding> Findings, IReadOnlyList<string> NotMeasured, double TolerancePercent)
{
    /// <summary>
    /// True when it failed on time ratios alone: the one failure worth measuring again (allocations are exact, never
    /// retried).
    /// </summary>
    public bool OnlyTimingFailed => !Passed && Findings.Any(f => !f.Passed) && Findings.Where(f => !f.Passed).All(f => f.RatioChangePercent is not null);

    /// <summary>The verdict as Markdown: failures first, each with its explanation.</summary>
    public string Markdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Codec gate: {(Passed ? "PASS" : "FAIL")}");
        sb.AppendLine();
        if (Findings.Count == 0)
        {
            sb.AppendLine("Nothing was compared: the run measured none of the baseline's benchmarks.");
        }

        foreach (BenchFinding f in Findings.Where(f => !f.Passed))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- **REGRESSION** `{f.Key}`: {f.Explanation}");
        }

        sb.AppendLine();
        sb.AppendLine("| benchmark | baseline ratio | ratio | change | baseline B/op | B/op | median ns | verdict |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (IGrouping<string, BenchFinding> byKey in Findings.GroupBy(f => f.Key))
        {
            BenchFinding first = byKey.First();
            double? change = byKey.Select(f => f.RatioChangePercent).FirstOrDefault(c => c is not null);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {first.Key} | {first.Baseline.Ratio:0.000} | {first.Candidate.Ratio:0.000} | {(change is { } c ? c.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " %" : "-")} | {first.Baseline.AllocatedBytes} | {first.Candidate.AllocatedBytes} | {first.Candidate.MedianNanoseconds:0.0} | {(byKey.All(f => f.Passed) ? "pass" : "**FAIL**")} |");
        }

        if (NotMeasured.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"{NotMeasured.Count} baseline benchmarks were not in this run (not gated).");
        }

        return sb.ToString();
    }
}
