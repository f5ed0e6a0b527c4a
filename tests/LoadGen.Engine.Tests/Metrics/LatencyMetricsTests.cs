namespace LoadGen.Engine.Tests.Metrics;

/// <summary>The metric table is the one list: every histogram has a row, and the SLO grammar accepts exactly its names.</summary>
public class LatencyMetricsTests
{
    [Fact]
    public void EveryHistogramHasOneRowAndItsName()
    {
        Assert.Equal(Enum.GetValues<LatencyMetric>().Order(), LatencyMetrics.All.Select(m => m.Metric).Order());
        foreach (LatencyMetric metric in Enum.GetValues<LatencyMetric>())
        {
            Assert.Equal(LatencyMetrics.Of(metric).Name, LatencyHistograms.NameOf(metric));
        }

        Assert.Equal(["qos0", "qos1", "qos2"], Enumerable.Range(0, 3).Select(q => LatencyMetrics.Handshake(q).Name));
        Assert.Equal(["qos2.pubrec", "qos2.pubcomp", "qos2", "e2e"], LatencyMetrics.ShownWith(2).Select(m => m.Name));
    }

    [Fact]
    public void TheSloGrammarTakesEveryMetricInTheTableAndListsThemWhenItRefuses()
    {
        foreach (string name in LatencyMetrics.Names)
        {
            Assert.Equal(name, ProfileLoader.ParseSlo($"p99({name}) < 20ms").Histogram);
        }

        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.ParseSlo("p99(qos3) < 20ms"));
        Assert.Contains(string.Join('|', LatencyMetrics.Names), ex.Message, StringComparison.Ordinal);
    }
}
