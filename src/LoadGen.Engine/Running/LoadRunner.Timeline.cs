using System.Diagnostics;
using HdrHistogram;
using LoadGen.Client;

namespace LoadGen.Engine;

public sealed partial class LoadRunner
{
    // In the metric table's order: the time series, Prometheus and the result list them alike.
    private static readonly LatencyMetric[] Metrics = [.. LatencyMetrics.All.Select(m => m.Metric)];

    // Sessions record into the live recorder; the sampler moves each interval into the run's totals, the time series
    // and the interval log. _all keeps every interval (connects happen before the stages); _measured only those of
    // the Measure phase, which is what the verdict and the throughput are computed from.
    private readonly LatencyRecorder _live = new();
    private readonly LatencyHistograms _interval = new();
    private readonly LatencyHistograms _all = new();
    private readonly LatencyHistograms _measured = new();
    private readonly List<TimelinePoint> _timeline = new();
    private readonly Lock _sampling = new();
    private HistogramLogStream? _log;
    private DateTime _startedUtc;
    private long _runStart;
    private long _lastSample;
    private RunPhase _phase = RunPhase.Connect;
    private Totals _last;

    // Running totals at the end of the previous interval, so each point holds the interval's own counts.
    private readonly record struct Totals(long Sent, long Acknowledged, long Received, long Resends, long Reconnects, long Errors, long BytesSent, long BytesReceived, TimeSpan Cpu, TimeSpan GcPause);

    /// <summary>Closes the current interval and starts the next one in <paramref name="next"/>.</summary>
    private void Sample(RunPhase? next = null)
    {
        lock (_sampling)
        {
            long now = Stopwatch.GetTimestamp();
            _live.TakeInterval(_interval);
            _all.Add(_interval);
            if (_phase == RunPhase.Measure)
            {
                _measured.Add(_interval);
            }

            Totals totals = ReadTotals();
            var latency = new Dictionary<string, IntervalLatency>();
            var logged = new List<HistogramBase>();
            foreach (LatencyMetric metric in Metrics)
            {
                HistogramBase service = _interval.Service(metric);
                HistogramBase response = _interval.Response(metric);
                if (service.TotalCount == 0)
                {
                    continue;
                }

                string name = LatencyHistograms.NameOf(metric);
                latency[name] = new IntervalLatency(service.TotalCount, At(response, 50), At(response, 99), At(service, 50), At(service, 99));
                if (_log is not null)
                {
                    Stamp(service, $"{name}.service", _lastSample, now);
                    Stamp(response, $"{name}.response", _lastSample, now);
                    logged.Add(service);
                    logged.Add(response);
                }
            }

            _log?.Append(logged);
            var point = new TimelinePoint
            {
                Time = Seconds(now - _runStart),
                Seconds = Seconds(now - _lastSample),
                Phase = _phase,
                SessionsConnected = _sessions.Count(s => s.Client.IsConnected),
                Sent = totals.Sent - _last.Sent,
                Acknowledged = totals.Acknowledged - _last.Acknowledged,
                Received = totals.Received - _last.Received,
                Resends = totals.Resends - _last.Resends,
                Reconnects = totals.Reconnects - _last.Reconnects,
                Errors = totals.Errors - _last.Errors,
                BytesSent = totals.BytesSent - _last.BytesSent,
                BytesReceived = totals.BytesReceived - _last.BytesReceived,
                CpuSeconds = (totals.Cpu - _last.Cpu).TotalSeconds,
                GcPauseSeconds = (totals.GcPause - _last.GcPause).TotalSeconds,
                Latency = latency,
            };
            _timeline.Add(point);
            _last = totals;
            _lastSample = now;
            _phase = next ?? _phase;
            _options.Progress?.Invoke(point);
        }
    }

    // The two recorders of a metric are taken a moment apart, so an event recorded in between can sit in this
    // interval's service histogram and the next one's response histogram: either can be empty while the other is not.
    private static double At(HistogramBase histogram, double percentile) =>
        histogram.TotalCount > 0 ? histogram.GetValueAtPercentile(percentile) : 0;

    private Totals ReadTotals()
    {
        long resends = 0, sent = 0, received = 0;
        foreach (Session session in _sessions)
        {
            // Plain per-session fields read from another thread: a value may be a moment old, never torn (64-bit).
            resends += session.Client.Session.Resends.Total;
            sent += session.Client.BytesSent;
            received += session.Client.BytesReceived;
        }

        return new Totals(_counters[RunCounter.Sent], _counters[RunCounter.Acknowledged], _counters[RunCounter.Received], resends, _counters[RunCounter.Reconnects], _counters.Errors, sent, received,
            ProcessCpu.Total, GC.GetTotalPauseDuration());
    }

    private void Stamp(HistogramBase histogram, string tag, long fromTicks, long toTicks)
    {
        histogram.Tag = tag;
        histogram.StartTimeStamp = EpochMilliseconds(fromTicks);
        histogram.EndTimeStamp = EpochMilliseconds(toTicks);
    }

    private long EpochMilliseconds(long ticks) =>
        new DateTimeOffset(_startedUtc).ToUnixTimeMilliseconds() + (long)(Seconds(ticks - _runStart) * 1000);

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private ResendCounters SumResends()
    {
        var sum = new ResendCounters();
        foreach (Session session in _sessions)
        {
            sum.Add(session.Client.Session.Resends);
        }

        return sum;
    }
}
