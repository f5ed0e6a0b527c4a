using LoadGen.Reporting;

namespace LoadGen.Reporting.Tests;

/// <summary>The codec gate's logic on fixtures: what passes, what fails, and how it explains a failure.</summary>
public class BenchGateTests
{
    private static BenchRun Run(double ratioScale = 1, long extraBytes = 0, int day = 1, string? commit = "0123456789abcdef0123456789abcdef01234567") => new(
        new DateTime(2026, 11, day, 12, 0, 0, DateTimeKind.Utc), "quick", commit,
        [
            new BenchEntry("QoSBenchmarks: MQTTnet decode (QoS=AtMostOnce)", true, null, 78, null, 464),
            new BenchEntry("QoSBenchmarks: LoadGen decode (QoS=AtMostOnce)", false, "QoSBenchmarks: MQTTnet decode (QoS=AtMostOnce)", 10.4 * ratioScale, 0.134 * ratioScale, 0 + extraBytes),
            new BenchEntry("ControlPacketBenchmarks: MQTTnet encode+copy (Packet=PUBACK)", true, null, 41, null, 0),
            new BenchEntry("ControlPacketBenchmarks: LoadGen encode (Packet=PUBACK)", false, "ControlPacketBenchmarks: MQTTnet encode+copy (Packet=PUBACK)", 5, 0.121, 0),
        ]);

    [Fact]
    public void IdenticalRunsPass() => Assert.True(BenchGate.Compare(Run(), Run()).Passed);

    [Fact]
    public void OneMoreAllocatedByteFailsAndSaysHowMuch()
    {
        BenchVerdict verdict = BenchGate.Compare(Run(), Run(extraBytes: 1));
        Assert.False(verdict.Passed);
        BenchFinding failed = Assert.Single(verdict.Findings, f => !f.Passed);
        Assert.Equal("QoSBenchmarks: LoadGen decode (QoS=AtMostOnce)", failed.Key);
        Assert.Equal("allocates 1 B per operation, the baseline 0 B (+1 B)", failed.Explanation);
    }

    [Theory]
    [InlineData(1.24, true)]
    [InlineData(1.26, false)]
    [InlineData(0.5, true)]
    public void ARatioWorseThanTheToleranceFailsAndBetterAlwaysPasses(double scale, bool passes)
    {
        BenchVerdict verdict = BenchGate.Compare(Run(), Run(ratioScale: scale), tolerancePercent: 25);
        Assert.Equal(passes, verdict.Passed);
        if (!passes)
        {
            BenchFinding failed = Assert.Single(verdict.Findings, f => !f.Passed);
            Assert.Contains("time ratio to QoSBenchmarks: MQTTnet decode (QoS=AtMostOnce) 0.134 -> 0.169 (+26.0 %, allowed +25 %)", failed.Explanation, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ARunThatMeasuredNoneOfTheBaselineFails()
    {
        BenchRun other = Run() with { Entries = [new BenchEntry("Other: x", false, null, 1, null, 0)] };
        BenchVerdict verdict = BenchGate.Compare(Run(), other);
        Assert.False(verdict.Passed);
        Assert.Equal(2, verdict.NotMeasured.Count);
        Assert.Contains("Nothing was compared", verdict.Markdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void ABaselineMergesRunsByTheirMedians()
    {
        BenchRun merged = BenchRun.Merge([Run(ratioScale: 1), Run(ratioScale: 3), Run(ratioScale: 1.2, extraBytes: 8)]);
        BenchEntry decode = merged.Entries.Single(e => e.Key == "QoSBenchmarks: LoadGen decode (QoS=AtMostOnce)");
        Assert.Equal(0.134 * 1.2, decode.Ratio!.Value, 6);
        Assert.Equal(8, decode.AllocatedBytes);
    }

    [Fact]
    public void TheTrendChartsRenderFromStoredRuns()
    {
        BenchRun[] runs = [Run(day: 1), Run(ratioScale: 1.1, day: 2), Run(ratioScale: 0.9, extraBytes: 16, day: 3, commit: null)];
        IReadOnlyList<Chart> charts = BenchTrend.Charts(runs);
        Assert.Equal(["bench-trend-ratio", "bench-trend-allocated"], charts.Select(c => c.Name));
        foreach (Chart chart in charts)
        {
            using SkiaSharp.SKBitmap png = SkiaSharp.SKBitmap.Decode(chart.Png());
            Assert.Equal((1200, 1000), (png.Width, png.Height));
            string svg = chart.Plot.GetSvgXml(chart.PixelWidth, chart.PixelHeight);
            Assert.Contains("QoSBenchmarks: LoadGen decode", svg, StringComparison.Ordinal);
            Assert.Contains("11-02 12:00", svg, StringComparison.Ordinal);
            Assert.Contains("0123456", svg, StringComparison.Ordinal);
        }
    }
}
