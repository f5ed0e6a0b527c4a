namespace LoadGen.Cli.Tests;

/// <summary>
/// <c>loadgen bench</c> gates and stores the bench.json runs the benchmark project writes (the tool itself carries no
/// BenchmarkDotNet): an extra allocated byte fails the gate, a clean run passes, runs become a baseline.
/// </summary>
public class BenchCommandTests
{
    private static string Run(string folder, long allocated, double ratio)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "bench.json"), $$"""
            {
              "started_utc": "2026-12-02T00:00:00Z", "mode": "quick", "commit": null,
              "entries": [
                { "key": "ControlPacketBenchmarks: MQTTnet decode (Packet=PUBACK)", "is_baseline": true, "baseline_key": null, "median_nanoseconds": 12.0, "ratio": null, "allocated_bytes": 96 },
                { "key": "ControlPacketBenchmarks: LoadGen decode (Packet=PUBACK)", "is_baseline": false, "baseline_key": "ControlPacketBenchmarks: MQTTnet decode (Packet=PUBACK)", "median_nanoseconds": 10.0, "ratio": {{ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "allocated_bytes": {{allocated}} }
              ]
            }
            """);
        return folder;
    }

    [Fact]
    public void StoredRunsBecomeABaselineAndAreGatedAgainstIt()
    {
        string root = Path.Combine(Path.GetTempPath(), $"loadgen-bench-{Guid.NewGuid():N}");
        string baseline = Path.Combine(root, "codec.json");
        string a = Run(Path.Combine(root, "20261202-000001"), 0, 0.80), b = Run(Path.Combine(root, "20261202-000002"), 0, 0.90);

        (int exit, string stdout, string error) = LoadgenProcess.Run("bench", "baseline", a, b, "--baseline", baseline);
        Assert.True(exit == 0, error);
        Assert.Contains("2 benchmarks", stdout, StringComparison.Ordinal);

        // Without a run named, the newest under --out is gated.
        (exit, stdout, _) = LoadgenProcess.Run("bench", "compare", "--out", root, "--baseline", baseline);
        Assert.Equal(0, exit);
        Assert.Contains("# Codec gate: PASS", stdout, StringComparison.Ordinal);

        string allocating = Run(Path.Combine(root, "20261202-000003"), 8, 0.85);
        (exit, stdout, _) = LoadgenProcess.Run("bench", "compare", allocating, "--baseline", baseline);
        Assert.Equal(1, exit);
        Assert.Contains("allocates 8 B per operation, the baseline 0 B", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(allocating, "gate.md")));
    }

    [Fact]
    public void WithoutAStoredRunItSaysHowToMakeOne()
    {
        string empty = Directory.CreateTempSubdirectory("loadgen-bench-empty-").FullName;
        string baseline = Path.Combine(Run(Path.Combine(empty, "baseline"), 0, 0.8), "bench.json");
        (int exit, _, string error) = LoadgenProcess.Run("bench", "compare", "--out", Path.Combine(empty, "runs"), "--baseline", baseline);

        Assert.Equal(2, exit);
        Assert.Contains("--project bench/LoadGen.Benchmarks -- codec --quick", error, StringComparison.Ordinal);
    }
}
