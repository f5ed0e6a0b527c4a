using LoadGen.Engine;

namespace LoadGen.Reporting.Tests;

/// <summary>Regression gates: they fire on a constructed regression and stay quiet on identical runs.</summary>
public class CompareTests
{
    [Fact]
    public void GatesStayQuietOnIdenticalRuns()
    {
        RunResult run = SampleResults.Fixed();
        RegressionGate[] gates = [RegressionGate.Parse("p99.qos1 +10%"), RegressionGate.Parse("throughput -5%"), RegressionGate.Parse("service.p99.9.qos2 +1%")];
        Assert.All(gates.Select(g => g.Check(run, SampleResults.Fixed())), o => Assert.True(o.Passed, o.Gate.Text));
    }

    [Fact]
    public void GatesFireOnAConstructedRegressionAndOnlyOnTheOnesItBreaks()
    {
        RunResult baseline = SampleResults.Fixed();
        // 20 % slower and 8 % less throughput.
        RunResult candidate = SampleResults.Fixed(latencyScale: 1.2, throughputScale: 0.92);

        GateOutcome latency = RegressionGate.Parse("p99.qos1 +10%").Check(baseline, candidate);
        Assert.False(latency.Passed);
        Assert.InRange(latency.ChangePercent!.Value, 19, 21);
        Assert.True(RegressionGate.Parse("p99.qos1 +25%").Check(baseline, candidate).Passed);
        Assert.False(RegressionGate.Parse("throughput -5%").Check(baseline, candidate).Passed);
        Assert.True(RegressionGate.Parse("throughput -10%").Check(baseline, candidate).Passed);

        // An improvement never trips a gate.
        Assert.True(RegressionGate.Parse("p99.qos1 +10%").Check(candidate, baseline).Passed);
        Assert.True(RegressionGate.Parse("throughput -5%").Check(candidate, baseline).Passed);

        string markdown = RunComparison.Markdown(baseline, candidate, "a", "b", [latency]);
        Assert.Contains("REGRESSION", markdown, StringComparison.Ordinal);
        Assert.Contains("| `p99.qos1 +10%` |", markdown, StringComparison.Ordinal);

        // Every figure with its unit: the gate's latencies in ms, throughput in msg/s.
        Assert.Contains($"| `p99.qos1 +10%` | {baseline.Response["qos1"].P99 / 1000:0.###} ms | {candidate.Response["qos1"].P99 / 1000:0.###} ms |",
            markdown, StringComparison.Ordinal);
        GateOutcome throughput = RegressionGate.Parse("throughput -5%").Check(baseline, candidate);
        Assert.Contains(" msg/s | ", RunComparison.Markdown(baseline, candidate, "a", "b", [throughput]), StringComparison.Ordinal);
    }

    [Fact]
    public void AGateOnAMissingHistogramFailsAndSaysSo()
    {
        GateOutcome outcome = RegressionGate.Parse("p99.nosuch +10%").Check(SampleResults.Fixed(), SampleResults.Fixed());
        Assert.False(outcome.Passed);
        Assert.Contains("missing", outcome.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p99.qos1 10%")]
    [InlineData("p99.qos1 +10")]
    [InlineData("throughput")]
    public void ABadGateSaysWhatIsAllowed(string text)
    {
        FormatException ex = Assert.Throws<FormatException>(() => RegressionGate.Parse(text));
        Assert.Contains("for example \"p99.qos1 +10%\"", ex.Message, StringComparison.Ordinal);
    }
}
