using System.Diagnostics;
using HdrHistogram;

namespace LoadGen.Engine;

/// <summary>
/// Two HdrHistograms per <see cref="LatencyMetric"/>, in microseconds, 1 µs to 1 hour at 3 significant digits:
/// <b>service time</b>, from when a message was actually sent, and <b>response time</b>, from when the schedule
/// intended to send it. Under an open-model load a stalled broker delays sends, so only response time shows the
/// stall; timing from the actual send alone would hide it (coordinated omission). Recording is thread-safe; merging
/// adds counts, so merged percentiles are exact, never averaged.
/// </summary>
public sealed class LatencyHistograms
{
    /// <summary>The largest value kept: one hour in microseconds.</summary>
    public const long HighestMicroseconds = 3_600_000_000;

    private static readonly int Count = Enum.GetValues<LatencyMetric>().Length;
    private readonly LongConcurrentHistogram[] _service = Create();
    private readonly LongConcurrentHistogram[] _response = Create();

    /// <summary>The name a metric has in profiles, results and reports (<c>qos1</c>, <c>qos2.pubrec</c>, ...).</summary>
    public static string NameOf(LatencyMetric metric) => LatencyMetrics.Of(metric).Name;

    /// <summary>
    /// Records one timed event from Stopwatch timestamps. <paramref name="intendedTicks"/> is when the schedule wanted
    /// the send (0 when there was no schedule, as in the closed model); it is never later than the actual start.
    /// </summary>
    public void Record(LatencyMetric metric, long intendedTicks, long startTicks, long endTicks)
    {
        (long service, long response) = Measure(intendedTicks, startTicks, endTicks);
        _service[(int)metric].RecordValue(service);
        _response[(int)metric].RecordValue(response);
    }

    /// <summary>Service and response time in whole microseconds, clamped to the histograms' range.</summary>
    internal static (long Service, long Response) Measure(long intendedTicks, long startTicks, long endTicks)
    {
        long service = ToMicroseconds(endTicks - startTicks);
        long response = ToMicroseconds(endTicks - (intendedTicks == 0 ? startTicks : Math.Min(intendedTicks, startTicks)));
        return (Clamp(service), Clamp(response));
    }

    /// <summary>Total events recorded for <paramref name="metric"/>.</summary>
    public long CountOf(LatencyMetric metric) => _service[(int)metric].TotalCount;

    /// <summary>Clears every histogram.</summary>
    public void Reset()
    {
        for (int i = 0; i < Count; i++)
        {
            _service[i].Reset();
            _response[i].Reset();
        }
    }

    internal HistogramBase ServiceAt(int index) => _service[index];

    internal HistogramBase ResponseAt(int index) => _response[index];

    /// <summary>Time from the actual send.</summary>
    public HistogramBase Service(LatencyMetric metric) => _service[(int)metric];

    /// <summary>Time from the intended send (coordinated-omission corrected).</summary>
    public HistogramBase Response(LatencyMetric metric) => _response[(int)metric];

    /// <summary>Adds another set's counts into this one: shards and intervals merge exactly.</summary>
    public void Add(LatencyHistograms other)
    {
        for (int i = 0; i < Count; i++)
        {
            _service[i].Add(other._service[i]);
            _response[i].Add(other._response[i]);
        }
    }

    /// <summary>Stopwatch ticks to whole microseconds.</summary>
    public static long ToMicroseconds(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;

    private static long Clamp(long microseconds) => Math.Clamp(microseconds, 1, HighestMicroseconds);

    private static LongConcurrentHistogram[] Create()
    {
        var histograms = new LongConcurrentHistogram[Count];
        for (int i = 0; i < Count; i++)
        {
            histograms[i] = new LongConcurrentHistogram(1, HighestMicroseconds, 3);
        }

        return histograms;
    }
}
