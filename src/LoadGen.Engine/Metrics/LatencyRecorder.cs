using HdrHistogram;

namespace LoadGen.Engine;

/// <summary>
/// The live side of <see cref="LatencyHistograms"/>: sessions record into HdrHistogram <see cref="Recorder"/>s, and a
/// sampler takes each interval out without stopping them. The recorder's phaser guarantees that a value recorded
/// while an interval is being taken lands in exactly one interval, so the intervals add up to the whole run.
/// </summary>
public sealed class LatencyRecorder
{
    private static readonly int Count = Enum.GetValues<LatencyMetric>().Length;
    private readonly Recorder[] _service = Create();
    private readonly Recorder[] _response = Create();

    /// <summary>Records one timed event; the arguments mean what they mean in <see cref="LatencyHistograms.Record"/>.</summary>
    public void Record(LatencyMetric metric, long intendedTicks, long startTicks, long endTicks)
    {
        (long service, long response) = LatencyHistograms.Measure(intendedTicks, startTicks, endTicks);
        _service[(int)metric].RecordValue(service);
        _response[(int)metric].RecordValue(response);
    }

    /// <summary>
    /// Moves everything recorded since the last call into <paramref name="interval"/>, replacing its counts; reusing
    /// one set keeps the sampler from allocating a few hundred kilobytes of buckets every second.
    /// </summary>
    public void TakeInterval(LatencyHistograms interval)
    {
        for (int i = 0; i < Count; i++)
        {
            _service[i].GetIntervalHistogramInto(interval.ServiceAt(i));
            _response[i].GetIntervalHistogramInto(interval.ResponseAt(i));
        }
    }

    private static Recorder[] Create()
    {
        var recorders = new Recorder[Count];
        for (int i = 0; i < Count; i++)
        {
            // Many sessions record at once, so the active histogram must take concurrent writes.
            recorders[i] = new Recorder(1, LatencyHistograms.HighestMicroseconds, 3,
                (id, lowest, highest, digits) => new LongConcurrentHistogram(id, lowest, highest, digits));
        }

        return recorders;
    }
}
