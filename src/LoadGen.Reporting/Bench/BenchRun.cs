using System.Text.Json;

namespace LoadGen.Reporting;

/// <summary>
/// One run of the codec benchmark suite as LoadGen keeps it (<c>bench.json</c>, and the committed baseline
/// <c>results/baselines/codec.json</c>): per benchmark its median time, its time relative to the MQTTnet row measured
/// in the same run, and its allocations. Ratios and allocations are what the gate compares; times are shown only.
/// </summary>
/// <param name="StartedUtc">When the run started.</param>
/// <param name="Mode"><c>quick</c> (in process, short iterations) or <c>full</c> (BenchmarkDotNet's default job).</param>
/// <param name="Commit">The git commit measured, when known.</param>
/// <param name="Entries">One per benchmark case.</param>
public sealed record BenchRun(DateTime StartedUtc, string Mode, string? Commit, IReadOnlyList<BenchEntry> Entries)
{
    /// <summary>The JSON settings of bench files: snake_case, indented.</summary>
    public static JsonSerializerOptions Json { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Reads a bench file.</summary>
    public static BenchRun Read(string path) =>
        JsonSerializer.Deserialize<BenchRun>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty bench file");

    /// <summary>
    /// Several runs as one, for a baseline: per benchmark the median of the medians and of the ratios, and the largest
    /// allocation seen, so one lucky or unlucky run does not become the bar every later run is held to.
    /// </summary>
    public static BenchRun Merge(IReadOnlyList<BenchRun> runs)
    {
        BenchRun last = runs.OrderBy(r => r.StartedUtc).Last();
        var entries = runs.SelectMany(r => r.Entries).GroupBy(e => e.Key).Select(g => new BenchEntry(
            g.Key,
            g.First().IsBaseline,
            g.First().BaselineKey,
            Median(g.Select(e => e.MedianNanoseconds)),
            g.Any(e => e.Ratio is not null) ? Median(g.Where(e => e.Ratio is not null).Select(e => e.Ratio!.Value)) : null,
            g.Max(e => e.AllocatedBytes))).ToList();
        return last with { Entries = entries };
    }

    /// <summary>
    /// Several runs of the same moment as one, for the gate: per benchmark the run with the better time ratio, and the
    /// largest allocation seen (allocations are exact, so a second run must not hide an extra byte). The gate measures
    /// twice only when a time ratio alone failed, so a noisy moment on a shared machine does not fail the build.
    /// </summary>
    public static BenchRun BestOf(IReadOnlyList<BenchRun> runs)
    {
        BenchRun first = runs[0];
        var entries = first.Entries.Select(e =>
        {
            BenchEntry[] same = runs.SelectMany(r => r.Entries).Where(o => o.Key == e.Key).ToArray();
            BenchEntry best = same.MinBy(o => o.Ratio ?? double.MaxValue)!;
            return best with { AllocatedBytes = same.Max(o => o.AllocatedBytes) };
        }).ToList();
        return first with { Entries = entries };
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The run as a Markdown table (invariant culture): every row with its median, ratio and allocations.</summary>
    public string Markdown()
    {
        var sb = new System.Text.StringBuilder();
        var c = System.Globalization.CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"# Codec benchmarks, {Mode} run, {StartedUtc:yyyy-MM-dd HH:mm} UTC{(Commit is { Length: >= 7 } ? $", commit {Commit[..7]}" : "")}");
        sb.AppendLine();
        sb.AppendLine("Ratio: median time over the MQTTnet row of the same class, category and parameters, measured in the same run (lower is better).");
        sb.AppendLine();
        sb.AppendLine("| benchmark | median ns | ratio | allocated B/op |");
        sb.AppendLine("|---|---|---|---|");
        foreach (BenchEntry e in Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            sb.AppendLine(c, $"| {e.Key} | {e.MedianNanoseconds:0.0} | {(e.Ratio is { } r ? r.ToString("0.000", c) : e.IsBaseline ? "baseline" : "-")} | {e.AllocatedBytes} |");
        }

        return sb.ToString();
    }

    /// <summary>Writes this run to <paramref name="path"/>.</summary>
    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}

/// <summary>One benchmark case.</summary>
/// <param name="Key">Class, row and parameters, for example <c>QoSBenchmarks: LoadGen decode (QoS=AtMostOnce)</c>.</param>
/// <param name="IsBaseline">True for the MQTTnet rows other rows are measured against.</param>
/// <param name="BaselineKey">The key of the in-run baseline row this one is compared with.</param>
/// <param name="MedianNanoseconds">Median time per operation.</param>
/// <param name="Ratio">Median time over the baseline row's median time, in the same run.</param>
/// <param name="AllocatedBytes">Bytes allocated per operation.</param>
public sealed record BenchEntry(string Key, bool IsBaseline, string? BaselineKey, double MedianNanoseconds, double? Ratio, long AllocatedBytes);
