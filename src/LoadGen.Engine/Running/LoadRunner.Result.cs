using HdrHistogram;

namespace LoadGen.Engine;

public sealed partial class LoadRunner
{
    private RunResult BuildResult(DateTime startedUtc, string broker, double seconds, string? partial, long missing,
        long resends, long brokerDropped, long acknowledgedAtWarmup)
    {
        LatencyHistograms latency = _latency;
        var service = new Dictionary<string, LatencySummary>();
        var response = new Dictionary<string, LatencySummary>();
        foreach (LatencyMetric metric in Enum.GetValues<LatencyMetric>())
        {
            string name = LatencyHistograms.NameOf(metric);
            LatencyHistograms source = metric is LatencyMetric.Connect or LatencyMetric.SubAck ? _setup : latency;
            if (source.Service(metric).TotalCount > 0)
            {
                service[name] = Summarize(source.Service(metric));
                response[name] = Summarize(source.Response(metric));
            }
        }

        var counters = new Dictionary<string, long>
        {
            ["sessions_connected"] = _counters.Connected,
            ["connect_failures"] = _counters.ConnectFailures,
            ["sent"] = _counters.Sent,
            ["acknowledged"] = _counters.Acknowledged,
            ["received"] = _counters.Received,
            ["duplicates"] = _counters.Duplicates,
            ["out_of_order"] = _counters.OutOfOrder,
            ["lost"] = missing,
            ["resends"] = resends,
            ["backlogged"] = _counters.Backlogged,
            ["broker_dropped"] = brokerDropped,
        };
        double throughput = (_counters.Acknowledged - acknowledgedAtWarmup) / seconds;
        double errorRate = _counters.Sent == 0 ? (_counters.Errors > 0 ? 1 : 0) : (double)_counters.Errors / _counters.Sent;
        var slos = _profile.Slos.Select(slo =>
        {
            double measured = slo.Metric switch
            {
                "throughput" => throughput,
                "error_rate" => errorRate,
                _ => Percentile(response, slo),
            };
            return new SloOutcome(slo.Text, measured, !double.IsNaN(measured) && slo.Holds(measured));
        }).ToList();

        return new RunResult
        {
            Profile = _profile.Name,
            Broker = broker,
            StartedUtc = startedUtc,
            Seconds = seconds,
            Partial = partial is not null,
            PartialReason = partial,
            SessionsPlanned = _sessions.Count,
            Counters = counters,
            Errors = new Dictionary<string, long>(_counters.ErrorsByReason),
            Throughput = throughput,
            ErrorRate = errorRate,
            Service = service,
            Response = response,
            Slos = slos,
        };
    }

    // SLOs on latency judge response time: what a device waiting on the broker experiences.
    private static double Percentile(Dictionary<string, LatencySummary> response, SloThreshold slo)
    {
        if (slo.Histogram is null || !response.TryGetValue(slo.Histogram, out LatencySummary? s))
        {
            return double.NaN;
        }

        return slo.Metric switch
        {
            "p50" => s.P50,
            "p90" => s.P90,
            "p99" => s.P99,
            "p99.9" => s.P999,
            _ => s.Max,
        };
    }

    private static LatencySummary Summarize(HistogramBase h) => new(
        h.TotalCount,
        h.GetValueAtPercentile(50),
        h.GetValueAtPercentile(90),
        h.GetValueAtPercentile(99),
        h.GetValueAtPercentile(99.9),
        h.GetMaxValue());
}
