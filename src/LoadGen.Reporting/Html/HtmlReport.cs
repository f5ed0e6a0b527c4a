using System.Globalization;
using System.Net;
using System.Text;
using LoadGen.Engine;

namespace LoadGen.Reporting;

/// <summary>
/// <c>report.html</c>: one self-contained file a capacity planner can put in front of a team. The verdict with each
/// SLO comes first, then the charts (embedded as PNG data, so the file travels alone), every histogram's
/// percentiles, the counters, the profile as run, the broker and the machine. No script, no external resource.
/// </summary>
public static class HtmlReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Builds the HTML for <paramref name="result"/> with <paramref name="charts"/> embedded.</summary>
    public static string Build(RunResult result, IReadOnlyList<(Chart Chart, byte[] Png)> charts)
    {
        var html = new StringBuilder();
        string verdict = result.Passed ? "PASS" : "FAIL";
        html.Append(C, $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(result.Profile)}}: {{verdict}}</title>
            <style>
            body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 2rem auto; max-width: 1060px; color: #222; }
            h1 { margin-bottom: 0.2rem; }
            .verdict { display: inline-block; padding: 0.2rem 0.8rem; border-radius: 4px; color: #fff; font-weight: bold; }
            .pass { background: #2e7d32; } .fail { background: #c62828; }
            table { border-collapse: collapse; margin: 0.8rem 0 1.6rem; font-size: 0.9rem; }
            th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            th { background: #f3f3f3; }
            figure { margin: 1.2rem 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
            figcaption { font-size: 0.9rem; color: #555; }
            pre { background: #f7f7f7; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; }
            .note { color: #555; font-size: 0.9rem; }
            </style>
            </head>
            <body>
            <h1>{{E(result.Profile)}} <span class="verdict {{(result.Passed ? "pass" : "fail")}}">{{verdict}}</span></h1>

            """);
        if (result.Partial)
        {
            html.Append(C, $"<p><strong>Partial run:</strong> {E(result.PartialReason ?? "cut short")}. Everything gathered until then is below.</p>\n");
        }

        html.Append(C, $"<p>Broker <code>{E(result.Broker)}</code>, started {result.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, {(result.SecondsAsked > 0 ? $"{result.SecondsAsked:0.#} s asked, " : "")}{result.Seconds:F1} s measured, {result.SessionsPlanned} sessions. ");
        html.Append(C, $"{E(RunSummary.Rates(result))}</p>\n");
        if (result.Capacity is { } capacity)
        {
            html.Append(CapacityReport.Html(capacity));
        }

        if (result.Rules.Count > 0)
        {
            html.Append("<h2>Verdict</h2>\n<table><tr><th>rule</th><th>found</th><th>verdict</th></tr>\n");
            foreach (VerdictRule rule in result.Rules)
            {
                html.Append(C, $"<tr><td>{E(rule.Rule)}</td><td style=\"text-align:left\">{E(rule.Text)}</td><td>{(rule.Passed ? "pass" : "<strong>FAIL</strong>")}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        if (result.Slos.Count > 0)
        {
            html.Append("<h2>Service-level objectives</h2>\n<table><tr><th>SLO</th><th>measured</th><th>verdict</th></tr>\n");
            foreach (SloOutcome slo in result.Slos)
            {
                html.Append(C, $"<tr><td><code>{E(slo.Threshold)}</code></td><td>{E(slo.Shown)}</td><td>{(slo.Passed ? "pass" : "<strong>FAIL</strong>")}</td></tr>\n");
            }

            html.Append("</table>\n<p class=\"note\">Latency SLOs are judged on response time.</p>\n");
        }

        if (result.Audit.Count > 0)
        {
            html.Append("<h2>QoS guarantee audit</h2>\n<table><tr><th>QoS</th><th>sent</th><th>received</th><th>lost</th><th>duplicates</th><th>out of order</th><th>guarantee</th></tr>\n");
            foreach (QosAudit a in result.Audit)
            {
                html.Append(C, $"<tr><td>{a.Qos}</td><td>{a.Sent}</td><td>{a.Received}</td><td>{a.Lost}</td><td>{a.Duplicates}</td><td>{a.OutOfOrder}</td><td>{E(a.Qos == 0 ? "none (reported)" : a.Verdict)}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        if (result.Faults is { } faults)
        {
            html.Append(C, $"<p>Fault proxy: {E(string.Join(", ", faults.Where(k => k.Value > 0).Select(k => $"{k.Key} {k.Value}")))}.</p>\n");
        }

        html.Append("<h2>Charts</h2>\n");
        foreach ((Chart chart, byte[] png) in charts)
        {
            html.Append(C, $"<figure><img alt=\"{E(chart.Title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{E(chart.Title)}</figcaption></figure>\n");
        }

        html.Append("<h2>Latency histograms</h2>\n");
        html.Append("<p class=\"note\">Milliseconds. Response time is measured from the intended send time (coordinated-omission corrected); service time from the actual send.</p>\n");
        html.Append("<table><tr><th>metric</th><th>count</th><th>response p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>service p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>\n");
        foreach ((string name, LatencySummary r) in result.Response)
        {
            LatencySummary s = result.Service[name];
            html.Append(C, $"<tr><td>{E(name)}</td><td>{r.Count}</td>{Ms(r.P50)}{Ms(r.P90)}{Ms(r.P99)}{Ms(r.P999)}{Ms(r.Max)}{Ms(s.P50)}{Ms(s.P90)}{Ms(s.P99)}{Ms(s.P999)}{Ms(s.Max)}</tr>\n");
        }

        html.Append("</table>\n<h2>Counters</h2>\n<table><tr><th>counter</th><th>value</th></tr>\n");
        foreach ((string name, long value) in RunSummary.CounterRows(result))
        {
            html.Append(C, $"<tr><td>{E(name)}</td><td>{value}</td></tr>\n");
        }

        html.Append("</table>\n");
        if (RunSummary.Sharding(result) is { } sharding)
        {
            html.Append(C, $"<p>{E(sharding)}</p>\n");
        }

        if (RunSummary.PublishSize(result) is { } publishSize)
        {
            html.Append(C, $"<p>{E(publishSize)}</p>\n");
        }

        if (result.Generator is { } g)
        {
            html.Append(C, $"<p>Generator: {g.CpuSeconds:F1} s CPU in the measured phase, {g.CpuMicrosecondsPerMessage:F1} µs per message{(g.IncludesBroker ? " (embedded broker included)" : "")}, {g.WireBytesPerMessage:F0} bytes on the wire per message.");
            if (result.Memory is { } m)
            {
                html.Append(C, $" Memory per idle session: {m.ManagedBytesPerSession:F0} B managed, {m.ResidentBytesPerSession:F0} B private resident, {m.ProcessResidentBytesPerSession:F0} B whole resident set ({m.Sessions} sessions{(m.IncludesBroker ? ", embedded broker included" : "")}).");
            }

            html.Append("</p>\n");
        }

        html.Append("<h2>Machine</h2>\n");
        if (result.Host is { } h)
        {
            html.Append(C, $"<p>{E(h.MachineName)}: {E(h.Os)}, {E(h.Runtime)}, {h.ProcessorCount} logical processors, {h.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB.</p>\n");
        }

        html.Append("<h2>Profile as run</h2>\n");
        html.Append(C, $"<pre>{E(result.ProfileText ?? "(not recorded)")}</pre>\n");
        html.Append("<p class=\"note\">Written by LoadGen. The numbers come from result.json next to this file; its schema is docs/result-schema.md.</p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Ms(double microseconds) => string.Create(C, $"<td>{microseconds / 1000:F3}</td>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
