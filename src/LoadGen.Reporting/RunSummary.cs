using System.Globalization;
using System.Text;
using LoadGen.Engine;

namespace LoadGen.Reporting;

/// <summary>
/// A run's text outputs, rendered from its <see cref="RunResult"/>: <c>summary.md</c> (also printed at the end of a
/// run), <c>timeseries.csv</c>, and the one-line rates and sharding notes the HTML report repeats.
/// </summary>
public static class RunSummary
{
    /// <summary>
    /// Writes <c>result.json</c> (<see cref="ResultFile"/>), <c>summary.md</c> and <c>timeseries.csv</c> into
    /// <paramref name="folder"/>.
    /// </summary>
    public static void Write(RunResult result, string folder)
    {
        ResultFile.Write(result, folder);
        File.WriteAllText(Path.Combine(folder, "summary.md"), Summary(result));
        File.WriteAllText(Path.Combine(folder, "timeseries.csv"), TimeSeriesCsv(result.Timeline));
    }

    /// <summary>The counter table's rows, as the summary and the report list them: every counter, then each error
    /// reason (<c>error: ...</c>) and each resend kind that happened (<c>resend: ...</c>).</summary>
    public static IEnumerable<(string Name, long Value)> CounterRows(RunResult r) =>
        r.Counters.Select(c => (c.Key, c.Value))
            .Concat(r.Errors.Select(e => ($"error: {e.Key}", e.Value)))
            .Concat(r.Resends.Where(k => k.Value > 0).Select(k => ($"resend: {k.Key}", k.Value)));

    /// <summary>
    /// The PUBLISH packet a message took, first sends only, and how many went by topic alias (5.0): "PUBLISH 182.8 bytes
    /// per message (the topic alias in place of the topic on 2400 of 2500)". Null for results without the counter.
    /// </summary>
    public static string? PublishSize(RunResult r)
    {
        long sent = r.Counters.Get(RunCounter.Sent), bytes = r.Counters.Get(RunCounter.PublishBytes), aliased = r.Counters.Get(RunCounter.AliasedPublishes);
        return sent == 0 || bytes == 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"PUBLISH {(double)bytes / sent:F1} bytes per message{(aliased > 0 ? $" (the topic alias in place of the topic on {aliased} of {sent})" : "")}.");
    }

    /// <summary>A line saying the run was a shard, or merged from shards; null for a plain run.</summary>
    public static string? Sharding(RunResult r) =>
        r.MergedFrom is { Count: > 0 } from
            ? $"Merged exactly from {from.Count} {(r.MergeForced is null ? "shard runs" : "runs")} ({string.Join(", ", from)}): histogram counts added, counters summed, time series aligned." +
              (r.MergeForced is { } forced ? $" FORCED with --force although {forced}: the figures are sums of unrelated runs." : "")
            : r.Shard is { } shard ? $"Shard {shard} of the profile: its share of every group's sessions and rates. The SLO verdicts here are on this share alone; `loadgen merge` judges the whole run." : null;

    /// <summary>
    /// The time series as CSV, one row per interval, invariant culture. Counts are per interval, rates per second;
    /// latency columns (microseconds) are empty where a metric had no events in the interval.
    /// </summary>
    public static string TimeSeriesCsv(IReadOnlyList<TimelinePoint> timeline)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        IReadOnlyList<string> metrics = LatencyMetrics.Names;
        var sb = new StringBuilder();
        sb.Append("time_s,interval_s,phase,sessions_connected,sent,acknowledged,received,resends,reconnects,errors,bytes_sent,bytes_received,cpu_s,gc_pause_s,sent_per_s,acknowledged_per_s,received_per_s");
        foreach (string m in metrics)
        {
            sb.Append(c, $",{m}_count,{m}_response_p50_us,{m}_response_p99_us,{m}_service_p50_us,{m}_service_p99_us");
        }

        sb.Append('\n');
        foreach (TimelinePoint p in timeline)
        {
            double per = p.Seconds > 0 ? 1 / p.Seconds : 0;
            sb.Append(c, $"{p.Time:F3},{p.Seconds:F3},{p.Phase.ToString().ToLowerInvariant()},{p.SessionsConnected},{p.Sent},{p.Acknowledged},{p.Received},{p.Resends},{p.Reconnects},{p.Errors},{p.BytesSent},{p.BytesReceived},{p.CpuSeconds:F3},{p.GcPauseSeconds:F4},{p.Sent * per:F1},{p.Acknowledged * per:F1},{p.Received * per:F1}");
            foreach (string m in metrics)
            {
                if (p.Latency.TryGetValue(m, out IntervalLatency? l))
                {
                    sb.Append(c, $",{l.Count},{l.ResponseP50:0},{l.ResponseP99:0},{l.ServiceP50:0},{l.ServiceP99:0}");
                }
                else
                {
                    sb.Append(",,,,,");
                }
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>
    /// The run's rates in one line: acknowledged msg/s for publishers, received msg/s for subscribers, and the error rate.
    /// </summary>
    public static string Rates(RunResult r)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (r.Counters.Get(RunCounter.Publishers) > 0 || r.Counters.Get(RunCounter.Subscribers) == 0)
        {
            parts.Add(string.Create(c, $"Throughput {r.Throughput:F0} msg/s acknowledged"));
        }

        if (r.Counters.Get(RunCounter.Subscribers) > 0)
        {
            parts.Add(string.Create(c, $"{(parts.Count == 0 ? "Received" : "received")} {r.Counters.Get(RunCounter.Received) / Math.Max(0.001, r.Seconds):F0} msg/s"));
        }

        parts.Add(string.Create(c, $"error rate {r.ErrorRate * 100:F3} %."));
        return string.Join(", ", parts);
    }

    /// <summary>The Markdown summary: verdict, SLOs, counters, latency table (invariant culture, for CI logs).</summary>
    public static string Summary(RunResult r)
    {
        var sb = new StringBuilder();
        CultureInfo c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"# {r.Profile}: {(r.Passed ? "PASS" : "FAIL")}{(r.Partial ? $" (partial: {r.PartialReason})" : "")}");
        sb.AppendLine();
        sb.AppendLine(c, $"Broker {r.Broker}, started {r.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC, {(r.SecondsAsked > 0 ? $"{r.SecondsAsked:0.#} s asked, " : "")}{r.Seconds:F1} s measured, {r.SessionsPlanned} sessions.");
        sb.AppendLine(Rates(r));
        foreach (VerdictRule rule in r.Rules.Where(x => !x.Passed))
        {
            sb.AppendLine(c, $"FAIL {rule.Rule}: {rule.Text}.");
        }

        foreach (SloOutcome slo in r.Slos.Where(x => !x.Passed))
        {
            sb.AppendLine(c, $"FAIL slo: `{slo.Threshold}` measured {slo.Shown}.");
        }

        foreach (QosAudit audit in r.Audit.Where(x => !x.Passed))
        {
            sb.AppendLine(c, $"FAIL audit: QoS {audit.Qos} {audit.Verdict}.");
        }

        if (Sharding(r) is { } sharding)
        {
            sb.AppendLine(sharding);
        }

        if (r.Capacity is { } capacity)
        {
            sb.AppendLine();
            sb.Append(CapacityReport.Markdown(capacity));
            sb.AppendLine();
            CapacityStep? backing = capacity.Steps.FirstOrDefault(s => s.Index == capacity.BackedBy);
            sb.AppendLine(c, $"The figures below are step {capacity.BackedBy}'s ({backing?.Phase} at {backing?.Offered:0} msg/s); every step's own run is under {backing?.Folder?.Split('/')[0] ?? "steps"}/.");
        }

        if (r.Memory is { } m)
        {
            sb.AppendLine(c, $"Memory per idle session: {m.ManagedBytesPerSession:F0} B managed, {m.ResidentBytesPerSession:F0} B private resident, {m.ProcessResidentBytesPerSession:F0} B whole resident set ({m.Sessions} sessions{(m.IncludesBroker ? ", embedded broker included" : "")}).");
        }

        if (r.Generator is { } g)
        {
            sb.AppendLine(c, $"Generator CPU {g.CpuSeconds:F1} s ({g.CpuMicrosecondsPerMessage:F1} µs per message{(g.IncludesBroker ? ", embedded broker included" : "")}), {g.WireBytesPerMessage:F0} bytes on the wire per message.");
        }

        if (PublishSize(r) is { } size)
        {
            sb.AppendLine(size);
        }

        sb.AppendLine();
        if (r.Slos.Count > 0)
        {
            sb.AppendLine("| SLO | measured | verdict |");
            sb.AppendLine("|---|---|---|");
            foreach (SloOutcome s in r.Slos)
            {
                sb.AppendLine(c, $"| `{s.Threshold}` | {s.Shown} | {(s.Passed ? "pass" : "FAIL")} |");
            }

            sb.AppendLine();
        }

        if (r.Audit.Count > 0)
        {
            sb.AppendLine("| QoS | sent | received | lost | duplicates | out of order | guarantee |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (QosAudit a in r.Audit)
            {
                sb.AppendLine(c, $"| {a.Qos} | {a.Sent} | {a.Received} | {a.Lost} | {a.Duplicates} | {a.OutOfOrder} | {(a.Qos == 0 ? "none (reported)" : a.Verdict)} |");
            }

            sb.AppendLine();
        }

        if (r.ResendRates.Values.Any(v => v > 0))
        {
            sb.AppendLine(c, $"Resends per message: {string.Join(", ", r.ResendRates.Where(k => k.Value > 0).Select(k => $"{k.Key} {k.Value:0.####}"))}.");
            sb.AppendLine();
        }

        if (r.Faults is { } faults)
        {
            sb.AppendLine(c, $"Fault proxy: {string.Join(", ", faults.Where(k => k.Value > 0).Select(k => $"{k.Key} {k.Value}"))}.");
            sb.AppendLine();
        }

        sb.AppendLine("| counter | value |");
        sb.AppendLine("|---|---|");
        foreach ((string name, long value) in CounterRows(r))
        {
            sb.AppendLine(c, $"| {name} | {value} |");
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
