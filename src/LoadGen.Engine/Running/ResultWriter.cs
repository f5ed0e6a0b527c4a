using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LoadGen.Engine;

/// <summary>Writes a run's <c>result.json</c> and <c>summary.md</c> into its results folder.</summary>
public static class ResultWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Creates <c>{root}/{profile}-{yyyyMMdd-HHmmss}/</c> and writes the files; returns the folder.</summary>
    public static string Write(RunResult result, string root)
    {
        string folder = Path.Combine(root, $"{result.Profile}-{result.StartedUtc:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "result.json"), JsonSerializer.Serialize(result, Json));
        File.WriteAllText(Path.Combine(folder, "summary.md"), Summary(result));
        return folder;
    }

    /// <summary>The Markdown summary: verdict, SLOs, counters, latency table (invariant culture, for CI logs).</summary>
    public static string Summary(RunResult r)
    {
        var sb = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"# {r.Profile}: {(r.Passed ? "PASS" : "FAIL")}{(r.Partial ? $" (partial: {r.PartialReason})" : "")}");
        sb.AppendLine();
        sb.AppendLine(c, $"Broker {r.Broker}, started {r.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, {r.Seconds:F1} s measured, {r.SessionsPlanned} sessions.");
        sb.AppendLine(c, $"Throughput {r.Throughput:F0} msg/s acknowledged, error rate {r.ErrorRate * 100:F3} %.");
        sb.AppendLine();
        if (r.Slos.Count > 0)
        {
            sb.AppendLine("| SLO | measured | verdict |");
            sb.AppendLine("|---|---|---|");
            foreach (SloOutcome s in r.Slos)
            {
                sb.AppendLine(c, $"| `{s.Threshold}` | {s.Measured:0.###} | {(s.Passed ? "pass" : "FAIL")} |");
            }

            sb.AppendLine();
        }

        sb.AppendLine("| counter | value |");
        sb.AppendLine("|---|---|");
        foreach ((string name, long value) in r.Counters)
        {
            sb.AppendLine(c, $"| {name} | {value} |");
        }

        foreach ((string reason, long count) in r.Errors)
        {
            sb.AppendLine(c, $"| error: {reason} | {count} |");
        }

        sb.AppendLine();
        sb.AppendLine("Latency in ms. Response time is measured from the intended send time (coordinated-omission corrected); service time from the actual send.");
        sb.AppendLine();
        sb.AppendLine("| metric | count | response p50 | p99 | p99.9 | max | service p50 | p99 |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach ((string name, LatencySummary resp) in r.Response)
        {
            LatencySummary serv = r.Service[name];
            sb.AppendLine(c, $"| {name} | {resp.Count} | {resp.P50 / 1000:F3} | {resp.P99 / 1000:F3} | {resp.P999 / 1000:F3} | {resp.Max / 1000:F3} | {serv.P50 / 1000:F3} | {serv.P99 / 1000:F3} |");
        }

        return sb.ToString();
    }
}
