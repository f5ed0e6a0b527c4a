using BenchmarkDotNet.Loggers;
using LoadGen.Benchmarks.Codec;
using LoadGen.Benchmarks.Gate;
using LoadGen.Reporting;

namespace LoadGen.Benchmarks.Tests;

/// <summary>
/// The gate against the real suite, measured in process: a LoadGen row made to allocate one array per operation, or
/// to do extra work, fails the comparison with the clean run and names the benchmark. The sabotage is a switch in
/// the benchmark project, never in the codec.
/// </summary>
[Collection("benchmarks")]
public class SabotageTests
{
    private static BenchRun Measure(bool allocate, bool slow)
    {
        Sabotage.Allocate = allocate;
        Sabotage.Slow = slow;
        try
        {
            string artifacts = Path.Combine(Path.GetTempPath(), $"loadgen-bench-{Guid.NewGuid():N}");
            return CodecSuite.Run(SuiteMode.Smoke, artifacts, "*ControlPacketBenchmarks*", logger: NullLogger.Instance);
        }
        finally
        {
            Sabotage.Allocate = false;
            Sabotage.Slow = false;
        }
    }

    [Fact]
    public void AnAllocatingCodecPathIsCaughtByTheExactAllocationGate()
    {
        BenchRun clean = Measure(allocate: false, slow: false);
        Assert.Equal(12, clean.Entries.Count);
        Assert.All(clean.Entries.Where(e => !e.IsBaseline), e => Assert.Equal(0, e.AllocatedBytes));

        BenchVerdict verdict = BenchGate.Compare(clean, Measure(allocate: true, slow: false));
        Assert.False(verdict.Passed);
        BenchFinding[] failed = verdict.Findings.Where(f => !f.Passed && f.RatioChangePercent is null).ToArray();
        Assert.Equal(6, failed.Length);
        Assert.Contains(failed, f => f.Key == "ControlPacketBenchmarks: LoadGen decode (Packet=PUBACK)" && f.Explanation.Contains("the baseline 0 B", StringComparison.Ordinal));
        Assert.Contains("REGRESSION", verdict.Markdown(), StringComparison.Ordinal);
    }

    [Fact]
    public void ASlowedCodecPathIsCaughtByTheRatioGate()
    {
        BenchRun clean = Measure(allocate: false, slow: false);
        BenchVerdict verdict = BenchGate.Compare(clean, Measure(allocate: false, slow: true));
        Assert.False(verdict.Passed);
        // Every LoadGen row got slower against its MQTTnet row measured in the same run, far past 25 %.
        Assert.All(verdict.Findings.Where(f => f.RatioChangePercent is not null), f => Assert.True(f.RatioChangePercent > 100, $"{f.Key}: {f.Explanation}"));
    }
}
