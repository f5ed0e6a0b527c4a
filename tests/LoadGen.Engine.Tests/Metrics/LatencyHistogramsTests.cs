using System.Diagnostics;
using System.Text;
using HdrHistogram;

namespace LoadGen.Engine.Tests.Metrics;

public class LatencyHistogramsTests
{
    private static long Ms(double milliseconds) => (long)(milliseconds * Stopwatch.Frequency / 1000);

    [Fact]
    public void AStalledOpenModelSendShowsInResponseTimeAndNotInServiceTime()
    {
        var histograms = new LatencyHistograms();
        long origin = Ms(10_000);
        // 99 sends on time with 2 ms acknowledgements; one intended at the same moment but sent 500 ms late, because
        // the broker stalled the generator, and then also acknowledged in 2 ms.
        for (int i = 0; i < 99; i++)
        {
            long intended = origin + Ms(i * 10);
            histograms.Record(LatencyMetric.QoS1PubAck, intended, intended, intended + Ms(2));
        }

        long late = origin + Ms(990);
        histograms.Record(LatencyMetric.QoS1PubAck, late, late + Ms(500), late + Ms(502));

        HistogramBase service = histograms.Service(LatencyMetric.QoS1PubAck);
        HistogramBase response = histograms.Response(LatencyMetric.QoS1PubAck);
        Assert.InRange(service.GetMaxValue(), 1_990, 2_010);
        Assert.InRange(response.GetMaxValue(), 501_000, 503_000);
        Assert.Equal(100, response.TotalCount);
    }

    [Fact]
    public void AClosedModelRecordWithoutAScheduleTimesFromTheActualSend()
    {
        var histograms = new LatencyHistograms();
        histograms.Record(LatencyMetric.QoS2Flow, 0, Ms(100), Ms(107));
        Assert.Equal(histograms.Service(LatencyMetric.QoS2Flow).GetMaxValue(), histograms.Response(LatencyMetric.QoS2Flow).GetMaxValue());
    }

    [Fact]
    public void MergingFourShardsEqualsTheCombinedRawDataExactly()
    {
        var random = new Random(11);
        var combined = new LatencyHistograms();
        var shards = Enumerable.Range(0, 4).Select(_ => new LatencyHistograms()).ToArray();
        for (int i = 0; i < 40_000; i++)
        {
            long start = Ms(random.Next(1, 1_000_000));
            long end = start + (long)(Stopwatch.Frequency * Math.Exp(random.NextDouble() * 8) / 1_000_000);
            combined.Record(LatencyMetric.EndToEnd, 0, start, end);
            shards[i % 4].Record(LatencyMetric.EndToEnd, 0, start, end);
        }

        var merged = new LatencyHistograms();
        foreach (LatencyHistograms shard in shards)
        {
            merged.Add(shard);
        }

        HistogramBase expected = combined.Service(LatencyMetric.EndToEnd);
        HistogramBase actual = merged.Service(LatencyMetric.EndToEnd);
        Assert.Equal(expected.TotalCount, actual.TotalCount);
        foreach (double percentile in new[] { 50, 90, 99, 99.9, 99.99, 100 })
        {
            Assert.Equal(expected.GetValueAtPercentile(percentile), actual.GetValueAtPercentile(percentile));
        }
    }

    [Fact]
    public void IntervalLogsAreUtf8WithoutAByteOrderMarkAndReadBack()
    {
        var histograms = new LatencyHistograms();
        for (int i = 1; i <= 1000; i++)
        {
            histograms.Record(LatencyMetric.Connect, 0, 0, Ms(i / 10.0));
        }

        HistogramBase connect = histograms.Service(LatencyMetric.Connect);
        connect.Tag = "connect";
        using var file = new MemoryStream();
        HistogramLogFile.Write(file, new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc), connect);
        byte[] bytes = file.ToArray();

        Assert.NotEqual(0xEF, bytes[0]);
        Assert.NotEqual(0xFF, bytes[0]);
        Assert.DoesNotContain((byte)0, bytes);
        Assert.Contains("Tag=connect", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);

        HistogramBase read = Assert.Single(HistogramLogFile.Read(new MemoryStream(bytes)));
        Assert.Equal(connect.TotalCount, read.TotalCount);
        Assert.Equal(connect.GetValueAtPercentile(99), read.GetValueAtPercentile(99));
    }
}
