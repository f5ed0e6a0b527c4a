namespace LoadGen.Benchmarks.Codec;

/// <summary>
/// Deliberate damage to the LoadGen rows, so a test can prove the regression gate catches it: an allocation of a few
/// bytes per operation, or extra work. It lives here, in the benchmarks, never in the codec; off unless a test or
/// <c>LOADGEN_BENCH_SABOTAGE=alloc|slow</c> turns it on.
/// </summary>
public static class Sabotage
{
    private static object? _sink;

    /// <summary>Allocate a small array per operation.</summary>
    public static bool Allocate { get; set; } = Environment.GetEnvironmentVariable("LOADGEN_BENCH_SABOTAGE") == "alloc";

    /// <summary>Spin a while per operation.</summary>
    public static bool Slow { get; set; } = Environment.GetEnvironmentVariable("LOADGEN_BENCH_SABOTAGE") == "slow";

    /// <summary>Called by every LoadGen row; does nothing unless sabotage is on.</summary>
    public static void Apply()
    {
        if (Allocate)
        {
            _sink = new byte[1];
        }

        if (Slow)
        {
            Thread.SpinWait(200);
        }
    }
}
