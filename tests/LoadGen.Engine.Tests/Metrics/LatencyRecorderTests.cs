using System.Diagnostics;
using System.Text;
using HdrHistogram;

namespace LoadGen.Engine.Tests.Metrics;

public class LatencyRecorderTests
{
    private static long Ms(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    [Fact]
    public void IntervalsTakenWhileFourThreadsRecordAddUpToEveryValueRecorded()
    {
        var recorder = new LatencyRecorder();
        var interval = new LatencyHistograms();
        var total = new LatencyHistograms();
        long[] recorded = new long[4];
        int stop = 0;
        var writers = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (long i = 0; Volatile.Read(ref stop) == 0; i++)
            {
                recorder.Record(LatencyMetric.QoS1PubAck, 0, 0, Ms(1 + (i % 50)));
                recorded[t]++;
            }
        })).ToList();
        writers.ForEach(w => w.Start());

        // Intervals are taken while the writers run, until some have come back non-empty from the middle of it.
        int nonEmpty = 0;
        while (nonEmpty < 20)
        {
            recorder.TakeInterval(interval);
            total.Add(interval);
            nonEmpty += interval.CountOf(LatencyMetric.QoS1PubAck) > 0 ? 1 : 0;
            Thread.Yield();
        }

        Volatile.Write(ref stop, 1);
        writers.ForEach(w => w.Join());
        recorder.TakeInterval(interval);
        total.Add(interval);
        Assert.Equal(recorded.Sum(), total.CountOf(LatencyMetric.QoS1PubAck));
        Assert.Equal(recorded.Sum(), total.Response(LatencyMetric.QoS1PubAck).TotalCount);
    }

    [Fact]
    public void AStreamedLogHasOneHeaderAndReadsBackEveryTaggedInterval()
    {
        var recorder = new LatencyRecorder();
        var interval = new LatencyHistograms();
        using var file = new MemoryStream();
        var log = new HistogramLogStream(new NonClosing(file), new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc));
        for (int second = 1; second <= 3; second++)
        {
            for (int i = 0; i < 100 * second; i++)
            {
                recorder.Record(LatencyMetric.QoS1PubAck, 0, 0, Ms(second));
            }

            recorder.TakeInterval(interval);
            HistogramBase service = interval.Service(LatencyMetric.QoS1PubAck).Copy();
            service.Tag = "qos1.service";
            log.Append([service]);
        }

        string text = Encoding.UTF8.GetString(file.ToArray());
        Assert.Equal(1, text.Split('\n').Count(l => l.StartsWith("#[StartTime", StringComparison.Ordinal)));
        IReadOnlyList<HistogramBase> read = HistogramLogFile.Read(new MemoryStream(file.ToArray()));
        Assert.Equal([100L, 200L, 300L], read.Select(h => h.TotalCount));
        Assert.All(read, h => Assert.Equal("qos1.service", h.Tag));
    }

    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
