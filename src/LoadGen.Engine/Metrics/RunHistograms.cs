using HdrHistogram;

namespace LoadGen.Engine;

/// <summary>
/// What a run's figures are computed from its histograms, shared by the run itself, by <c>loadgen report</c> (from
/// the interval log) and by the shard merge: summaries, distributions and SLO percentiles.
/// </summary>
public static class RunHistograms
{
    /// <summary>An empty histogram with the range and precision every LoadGen latency histogram uses.</summary>
    public static HistogramBase Create() => new LongHistogram(1, LatencyHistograms.HighestMicroseconds, 3);

    /// <summary>The metric of a log tag: <c>qos1.response</c> is <c>qos1</c>.</summary>
    public static string MetricOf(string tag) => tag[..tag.LastIndexOf('.')];

    /// <summary>True for the metrics judged over the whole run (they happen before the stages start).</summary>
    public static bool WholeRun(string metric) => LatencyMetrics.Named(metric)?.WholeRun ?? false;

    /// <summary>
    /// A run's totals per log tag from its interval log: connects and subscriptions over the whole run, the rest over
    /// the measured phase only, as the run itself computes them. An interval belongs to the phase of the time series
    /// point it ends at.
    /// </summary>
    public static Dictionary<string, HistogramBase> Totals(RunResult result, IEnumerable<HistogramBase> intervals)
    {
        TimelinePoint? first = result.Timeline.FirstOrDefault(p => p.Phase == RunPhase.Measure);
        long measuredFrom = new DateTimeOffset(DateTime.SpecifyKind(result.StartedUtc, DateTimeKind.Utc)).ToUnixTimeMilliseconds()
            + (long)(((first?.Time ?? 0) - (first?.Seconds ?? 0)) * 1000);
        var sums = new Dictionary<string, HistogramBase>();
        foreach (HistogramBase interval in intervals)
        {
            if (interval.Tag is not { } tag || (!WholeRun(MetricOf(tag)) && interval.EndTimeStamp <= measuredFrom + 1))
            {
                continue;
            }

            if (!sums.TryGetValue(tag, out HistogramBase? sum))
            {
                sums[tag] = sum = Create();
            }

            sum.Add(interval);
        }

        return sums;
    }

    /// <summary>Count, p50, p90, p99, p99.9 and maximum.</summary>
    public static LatencySummary Summarize(HistogramBase h) => new(
        h.TotalCount,
        h.GetValueAtPercentile(50),
        h.GetValueAtPercentile(90),
        h.GetValueAtPercentile(99),
        h.GetValueAtPercentile(99.9),
        h.GetMaxValue());

    /// <summary>Response and service time at <see cref="LatencyDistribution.Percentiles"/>.</summary>
    public static LatencyDistribution Distribution(HistogramBase response, HistogramBase service) => new(
        LatencyDistribution.Percentiles.Select(p => (double)response.GetValueAtPercentile(p)).ToArray(),
        LatencyDistribution.Percentiles.Select(p => (double)service.GetValueAtPercentile(p)).ToArray());

    /// <summary>
    /// The response-time percentile an SLO names, or NaN when the run has no such histogram. SLOs on latency judge
    /// response time: what a device waiting on the broker experiences.
    /// </summary>
    public static double Percentile(IReadOnlyDictionary<string, LatencySummary> response, SloThreshold slo)
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
}
