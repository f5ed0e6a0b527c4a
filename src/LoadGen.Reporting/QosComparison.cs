using System.Globalization;
using System.Net;
using System.Text;
using LoadGen.Engine;

namespace LoadGen.Reporting;

/// <summary>
/// <c>loadgen qos</c>'s report: the same workload run at QoS 0, 1 and 2 side by side: msg/s, every handshake leg's
/// p50/p99/p99.9, resends per message, generator CPU and bytes on the wire per message, and the guarantee audit.
/// </summary>
public static class QosComparison
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The metrics each QoS level is shown with.</summary>
    private static readonly string[][] Legs = [.. Enumerable.Range(0, 3).Select(q => LatencyMetrics.ShownWith(q).Select(m => m.Name).ToArray())];

    /// <summary>Writes <c>qos.md</c>, <c>qos.html</c> and the charts into <paramref name="folder"/>.</summary>
    public static void Write(string folder, IReadOnlyList<RunResult> runs, string fault)
    {
        Directory.CreateDirectory(folder);
        string markdown = Markdown(runs, fault);
        File.WriteAllText(Path.Combine(folder, "qos.md"), markdown);
        var charts = new List<Chart> { RunCharts.QosCostChart(Costs(runs), $"cost per QoS level, fault: {fault}") };
        charts.Add(Overlay(runs, fault));
        var html = new StringBuilder();
        html.Append(C, $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>QoS comparison, fault {WebUtility.HtmlEncode(fault)}</title>");
        html.Append("<style>body{font-family:\"DejaVu Sans\",Verdana,sans-serif;max-width:1100px;margin:2rem auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}img{max-width:100%}</style></head><body>\n");
        html.Append(C, $"<h1>QoS 0, 1 and 2 side by side (fault: {WebUtility.HtmlEncode(fault)})</h1>\n");
        foreach (Chart chart in charts)
        {
            chart.Save(Path.Combine(folder, "charts"));
            html.Append(C, $"<figure><img alt=\"{WebUtility.HtmlEncode(chart.Title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(chart.Png())}\"><figcaption>{WebUtility.HtmlEncode(chart.Title)}</figcaption></figure>\n");
        }

        html.Append("<pre>").Append(WebUtility.HtmlEncode(markdown)).Append("</pre>\n</body></html>\n");
        File.WriteAllText(Path.Combine(folder, "qos.html"), html.ToString());
    }

    /// <summary>The comparison as Markdown, invariant culture.</summary>
    public static string Markdown(IReadOnlyList<RunResult> runs, string fault)
    {
        var sb = new StringBuilder();
        sb.AppendLine(C, $"# QoS 0, 1 and 2, the same workload (fault: {fault})");
        sb.AppendLine();
        sb.AppendLine("| QoS | msg/s | resends/msg | CPU µs/msg | bytes/msg | lost | duplicates | guarantee |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        for (int q = 0; q < runs.Count; q++)
        {
            RunResult r = runs[q];
            QosAudit? audit = r.Audit.FirstOrDefault(a => a.Qos == q);
            double resends = r.ResendRates.Where(k => k.Key.StartsWith($"qos{q}.", StringComparison.Ordinal)).Sum(k => k.Value);
            sb.AppendLine(C, $"| {q} | {r.Throughput:0} | {resends:0.####} | {r.Generator?.CpuMicrosecondsPerMessage:0.0} | {r.Generator?.WireBytesPerMessage:0} | {audit?.Lost} | {audit?.Duplicates} | {(q == 0 ? "none (reported)" : audit?.Verdict ?? "-")} |");
        }

        sb.AppendLine();
        sb.AppendLine("Response time in ms (from the intended send), per handshake leg:");
        sb.AppendLine();
        sb.AppendLine("| QoS | leg | count | p50 | p99 | p99.9 | max |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        for (int q = 0; q < runs.Count; q++)
        {
            foreach (string leg in Legs[q])
            {
                if (runs[q].Response.TryGetValue(leg, out LatencySummary? s))
                {
                    sb.AppendLine(C, $"| {q} | {leg} | {s.Count} | {s.P50 / 1000:0.000} | {s.P99 / 1000:0.000} | {s.P999 / 1000:0.000} | {s.Max / 1000:0.000} |");
                }
            }
        }

        if (runs.Any(r => r.Generator?.IncludesBroker == true))
        {
            sb.AppendLine();
            sb.AppendLine("CPU per message includes the embedded broker, which ran in the same process; run with --broker for the client's alone.");
        }

        return sb.ToString();
    }

    private static List<QosCost> Costs(IReadOnlyList<RunResult> runs) => runs.Select((r, q) =>
    {
        string metric = LatencyMetrics.Handshake(q).Name;
        LatencySummary? s = r.Response.GetValueOrDefault(metric);
        double resends = r.ResendRates.Where(k => k.Key.StartsWith($"qos{q}.", StringComparison.Ordinal)).Sum(k => k.Value);
        return new QosCost($"QoS {q}", r.Throughput, (s?.P50 ?? double.NaN) / 1000, (s?.P99 ?? double.NaN) / 1000,
            r.Generator?.CpuMicrosecondsPerMessage, r.Generator?.WireBytesPerMessage, q == 0 ? null : resends);
    }).ToList();

    // Each level's own handshake distribution on one chart: QoS 0 write, QoS 1 PUBACK, QoS 2 PUBREC, PUBCOMP, flow.
    private static Chart Overlay(IReadOnlyList<RunResult> runs, string fault)
    {
        var merged = new Dictionary<string, LatencyDistribution>();
        for (int q = 0; q < runs.Count; q++)
        {
            foreach (string leg in Legs[q].Where(l => LatencyMetrics.Named(l)?.Qos is not null))
            {
                if (runs[q].Percentiles.TryGetValue(leg, out LatencyDistribution? d))
                {
                    merged[leg] = d;
                }
            }
        }

        RunResult shown = runs[^1] with { Profile = $"QoS 0/1/2, fault {fault}", Percentiles = merged };
        Chart chart = RunCharts.Distribution(shown, response: true);
        return chart with { Name = "qos-latency", Title = "Each QoS level's handshake latency by percentile (response time)" };
    }
}
