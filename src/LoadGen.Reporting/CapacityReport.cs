using System.Globalization;
using System.Net;
using System.Text;
using LoadGen.Engine;

namespace LoadGen.Reporting;

/// <summary>
/// A capacity search's answer and its steps as text: one table, rendered as Markdown for <c>summary.md</c> and as
/// HTML for <c>report.html</c>, so both show the same columns.
/// </summary>
public static class CapacityReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The step table's columns.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["step", "phase", "offered msg/s", "achieved msg/s", "p50 ms", "p99 ms", "p99.9 ms", "service p99 ms", "errors", "lost", "generator CPU", "lag p99 ms", "drain s", "recovery s", "verdict"];

    /// <summary>The answer in lines: capacity, who limited it, the confirmation and the search's length.</summary>
    public static IReadOnlyList<string> Headline(CapacityResult c) =>
    [
        string.Create(C, $"Capacity: {(c.MaxRate > 0 ? $"{c.MaxRate:0} msg/s" : "none found")}, limited_by: {Name(c.LimitedBy)}, {(c.Confirmed ? "confirmed" : "not confirmed")}{(c.LoweredFrom is { } f ? $" (lowered from {f:0} msg/s)" : "")}."),
        c.Verdict + ".",
        string.Create(C, $"Search: {c.Steps.Count} steps in {c.SearchSeconds:0} s, {c.StepSeconds:0.#} s measured per step (confirmations twice that), from {c.Start:0} to at most {c.Max:0} msg/s, precision {Units.Percent(c.Precision)}; sustained means {(c.Slos.Count > 0 ? string.Join(", ", c.Slos.Select(s => $"`{s}`")) + ", " : "")}every default rule, and at least {Units.Percent(Saturation.AchievedShare)} of the offered rate acknowledged{(c.SetAside.Count > 0 ? $" (set aside: {string.Join(", ", c.SetAside.Select(s => $"`{s}`"))}, a throughput floor the search measures itself)" : "")}."),
    ];

    /// <summary>The name <c>result.json</c> gives a <see cref="LimitedBy"/>.</summary>
    public static string Name(LimitedBy by) => by.ToString().ToLowerInvariant();

    /// <summary>The metric the step table shows: the handshake of the lowest QoS level measured, else end to end.</summary>
    public static string? MainMetric(CapacityResult c) =>
        LatencyMetrics.All.Where(m => m.IsHandshake).Select(m => m.Name).FirstOrDefault(n => c.Steps.Any(s => s.Latency.ContainsKey(n)))
        ?? (c.Steps.Any(s => s.Latency.ContainsKey("e2e")) ? "e2e" : null);

    /// <summary>One row of cells per step.</summary>
    public static IEnumerable<string[]> Rows(CapacityResult c)
    {
        string? metric = MainMetric(c);
        foreach (CapacityStep s in c.Steps)
        {
            StepLatency? l = metric is not null && s.Latency.TryGetValue(metric, out StepLatency? v) ? v : null;
            yield return
            [
                s.Index.ToString(C), s.Phase, s.Offered.ToString("0", C), s.Achieved.ToString("0", C),
                Ms(l?.P50), Ms(l?.P99), Ms(l?.P999), Ms(l?.ServiceP99), s.Errors.ToString(C), s.Lost.ToString(C),
                Units.Percent(Math.Round(s.GeneratorCpu, 3)) + (s.GeneratorCpuIncludesBroker ? " (with broker)" : ""),
                (s.GeneratorLagP99 / 1000).ToString("0.###", C), Seconds(s.DrainSeconds), Seconds(s.RecoverySeconds),
                s.Passed ? "pass" : $"FAIL {Name(s.LimitedBy ?? LimitedBy.Broker)}: {s.Broke}",
            ];
        }
    }

    /// <summary>The capacity section of <c>summary.md</c>.</summary>
    public static string Markdown(CapacityResult c)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Capacity");
        sb.AppendLine();
        foreach (string line in Headline(c))
        {
            sb.AppendLine(line);
        }

        sb.AppendLine();
        sb.AppendLine(C, $"Latency columns: {MainMetric(c) ?? "none measured"} response time unless marked service time.");
        sb.AppendLine();
        sb.AppendLine("| " + string.Join(" | ", Columns) + " |");
        sb.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", Columns.Count)));
        foreach (string[] row in Rows(c))
        {
            sb.AppendLine("| " + string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }

        return sb.ToString();
    }

    /// <summary>The capacity section of <c>report.html</c>.</summary>
    public static string Html(CapacityResult c)
    {
        var sb = new StringBuilder();
        sb.Append("<h2>Capacity</h2>\n");
        foreach (string line in Headline(c))
        {
            sb.Append(C, $"<p>{WebUtility.HtmlEncode(line)}</p>\n");
        }

        sb.Append(C, $"<p class=\"note\">Latency columns: {WebUtility.HtmlEncode(MainMetric(c) ?? "none measured")} response time unless marked service time.</p>\n<table><tr>");
        foreach (string column in Columns)
        {
            sb.Append(C, $"<th>{WebUtility.HtmlEncode(column)}</th>");
        }

        sb.Append("</tr>\n");
        foreach (string[] row in Rows(c))
        {
            sb.Append("<tr>");
            foreach (string cell in row)
            {
                sb.Append(C, $"<td>{WebUtility.HtmlEncode(cell)}</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</table>\n");
        return sb.ToString();
    }

    private static string Seconds(double? seconds) => seconds is { } v ? v.ToString("0.###", C) : "-";

    private static string Ms(double? microseconds) => microseconds is { } us ? (us / 1000).ToString("0.###", C) : "-";
}
