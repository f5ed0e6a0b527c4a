using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LoadGen.Benchmarks.Codec;
using LoadGen.Reporting;
using Perfolizer.Horology;

namespace LoadGen.Benchmarks.Gate;

/// <summary>How much of the suite to run and how.</summary>
public enum SuiteMode
{
    /// <summary>In process, short job, 100 ms iterations, a subset (PUBLISH at QoS 0 and 2, PUBACK/CONNECT/SUBSCRIBE): about 90 s here.</summary>
    Quick,
    /// <summary>BenchmarkDotNet's default job, every benchmark, each in its own process.</summary>
    Full,
    /// <summary>Three 25 ms iterations in process: for tests of the gate itself (enough to see a gross slowdown), not for numbers.</summary>
    Smoke,
}

/// <summary>
/// Runs the codec benchmarks with BenchmarkDotNet and turns the reports into a <see cref="BenchRun"/>: each LoadGen
/// row's median, its ratio to the MQTTnet row of the same class, category and parameters in the same run, and its
/// allocations. BenchmarkDotNet's own JSON and Markdown go into the artifacts folder next to it.
/// </summary>
public static class CodecSuite
{
    /// <summary>The benchmark classes of each mode.</summary>
    public static Type[] Types(SuiteMode mode) => mode == SuiteMode.Full
        ? [typeof(PublishBenchmarks), typeof(QoSBenchmarks), typeof(ControlPacketBenchmarks)]
        : [typeof(QoSBenchmarks), typeof(ControlPacketBenchmarks)];

    /// <summary>Runs the suite; <paramref name="filter"/> is a BenchmarkDotNet glob such as <c>*ControlPacket*</c>.</summary>
    public static BenchRun Run(SuiteMode mode, string artifacts, string? filter = null, string? commit = null, ILogger? logger = null)
    {
        Job job = mode switch
        {
            // Ten 100 ms iterations after three warm-ups: about a minute for the subset, and medians steady enough that
            // the ratio gate's 25 % holds on this noisy 2-core machine (three iterations moved ratios by up to 25 %).
            SuiteMode.Quick => Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithWarmupCount(3).WithIterationCount(10).WithId("quick"),
            SuiteMode.Smoke => Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithIterationTime(TimeInterval.FromMilliseconds(25))
                .WithWarmupCount(1).WithIterationCount(3).WithId("smoke"),
            _ => Job.Default.WithId("full"),
        };
        IConfig config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddExporter(JsonExporter.Brief, MarkdownExporter.GitHub)
            .AddLogger(logger ?? ConsoleLogger.Default)
            .WithArtifactsPath(artifacts)
            .WithOption(ConfigOptions.JoinSummary, true)
            .WithOption(ConfigOptions.DisableLogFile, true);
        if (filter is not null)
        {
            config = ((ManualConfig)config).AddFilter(new GlobFilter([filter]));
        }

        DateTime started = DateTime.UtcNow;
        Summary[] summaries = BenchmarkRunner.Run(Types(mode), config);
        return new BenchRun(started, mode.ToString().ToLowerInvariant(), commit, Entries(summaries.SelectMany(s => s.Reports)));
    }

    private static List<BenchEntry> Entries(IEnumerable<BenchmarkReport> reports)
    {
        var measured = reports.Where(r => r.Success && r.ResultStatistics is not null).Select(r => new
        {
            Report = r,
            Key = Key(r.BenchmarkCase),
            Group = $"{r.BenchmarkCase.Descriptor.Type.Name}|{string.Join(",", r.BenchmarkCase.Descriptor.Categories)}|{r.BenchmarkCase.Parameters.DisplayInfo}",
            r.BenchmarkCase.Descriptor.Baseline,
            Median = r.ResultStatistics!.Median,
            Allocated = r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0,
        }).ToList();
        var baselines = measured.Where(m => m.Baseline).GroupBy(m => m.Group).ToDictionary(g => g.Key, g => g.First());
        return measured.Select(m =>
        {
            var baseline = !m.Baseline && baselines.TryGetValue(m.Group, out var b) ? b : null;
            return new BenchEntry(m.Key, m.Baseline, baseline?.Key, m.Median, baseline is null ? null : m.Median / baseline.Median, m.Allocated);
        }).ToList();
    }

    private static string Key(BenchmarkCase c)
    {
        string parameters = c.Parameters.DisplayInfo.Trim('[', ']');
        return $"{c.Descriptor.Type.Name}: {c.Descriptor.WorkloadMethodDisplayInfo.Trim('\'')}{(parameters.Length > 0 ? $" ({parameters})" : "")}";
    }
}
