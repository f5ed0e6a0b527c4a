using System.Globalization;
using System.Text;
using LoadGen.Engine;

namespace LoadGen.Reporting;

/// <summary>
/// Two runs side by side (<c>loadgen compare</c>): a table of throughput, error rate and every shared histogram's
/// percentiles with the change, an overlay chart of both latency distributions, and the regression gates' verdicts;
/// for two capacity searches also their capacities, the ratio, and their curves overlaid.
/// </summary>
public static class RunComparison
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The comparison as Markdown (invariant culture), gates last.</summary>
    public static string Markdown(RunResult baseline, RunResult candidate, string baselineName, string candidateName, IReadOnlyList<GateOutcome> gates)
    {
        var sb = new StringBuilder();
        bool passed = gates.All(g => g.Passed);
        sb.AppendLine(C, $"# {baselineName} → {candidateName}{(gates.Count > 0 ? $": {(passed ? "no regression" : "REGRESSION")}" : "")}");
        sb.AppendLine();
        sb.AppendLine(C, $"| measure | {baselineName} | {candidateName} | change |");
        sb.AppendLine("|---|---|---|---|");
        if (baseline.Capacity is { } bc && candidate.Capacity is { } cc)
        {
            Row(sb, "capacity (msg/s)", bc.MaxRate, cc.MaxRate, "F0");
            sb.AppendLine(C, $"| limited by | {CapacityReport.Name(bc.LimitedBy)} | {CapacityReport.Name(cc.LimitedBy)} | |");
        }

        Row(sb, "throughput (msg/s)", baseline.Throughput, candidate.Throughput, "F0");
        Row(sb, "error rate (%)", baseline.ErrorRate * 100, candidate.ErrorRate * 100, "F3");
        foreach ((string name, LatencySummary b) in baseline.Response)
        {
            if (!candidate.Response.TryGetValue(name, out LatencySummary? c))
            {
                continue;
            }

            Row(sb, $"{name} p50 (ms)", b.P50 / 1000, c.P50 / 1000, "F3");
            Row(sb, $"{name} p99 (ms)", b.P99 / 1000, c.P99 / 1000, "F3");
            Row(sb, $"{name} p99.9 (ms)", b.P999 / 1000, c.P999 / 1000, "F3");
            Row(sb, $"{name} max (ms)", b.Max / 1000, c.Max / 1000, "F3");
        }

        if (baseline.Capacity is { } b1 && candidate.Capacity is { } c1)
        {
            sb.AppendLine();
            sb.AppendLine(b1.MaxRate > 0 && c1.MaxRate > 0
                ? string.Create(C, $"Capacity ratio {candidateName} / {baselineName}: {c1.MaxRate / b1.MaxRate:0.###} ({c1.MaxRate:0} / {b1.MaxRate:0} msg/s).")
                : "Capacity ratio: not defined, one search found no capacity.");
            sb.AppendLine(C, $"The throughput and latency rows compare the runs that back each answer (each search's confirmation).");
        }

        if (gates.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| gate | baseline | candidate | change | verdict |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (GateOutcome g in gates)
            {
                string change = g.ChangePercent is { } p ? $"{p:+0.0;-0.0;0.0} %" : "-";
                string verdict = g.Passed ? "pass" : g.Problem is null ? "**FAIL**" : $"**FAIL** ({g.Problem})";
                sb.AppendLine(C, $"| `{g.Gate.Text}` | {g.Gate.Format(g.Baseline)} | {g.Gate.Format(g.Candidate)} | {change} | {verdict} |");
            }
        }

        return sb.ToString();
    }

    /// <summary>Writes <c>compare.md</c> and the overlay chart into <paramref name="folder"/>.</summary>
    public static void Write(string folder, RunResult baseline, RunResult candidate, string baselineName, string candidateName, IReadOnlyList<GateOutcome> gates)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "compare.md"), Markdown(baseline, candidate, baselineName, candidateName, gates));
        RunCharts.CompareDistributions(baseline, candidate, baselineName, candidateName).Save(folder);
        if (baseline.Capacity is { } b && candidate.Capacity is { } c)
        {
            CapacityCharts.Compare(b, c, baselineName, candidateName).Save(folder);
        }
    }

    private static void Row(StringBuilder sb, string name, double b, double c, string format)
    {
        string change = b == 0 ? (c == 0 ? "0.0 %" : "new") : string.Create(C, $"{(c - b) / b * 100:+0.0;-0.0;0.0} %");
        sb.AppendLine(C, $"| {name} | {b.ToString(format, C)} | {c.ToString(format, C)} | {change} |");
    }
}
