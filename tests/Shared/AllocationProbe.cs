namespace LoadGen.Testing;

/// <summary>
/// Measures managed allocations of a hot loop with the runtime's per-thread counter. The loop runs in rounds of
/// <c>iterations</c>; the result is the smallest round. A per-packet allocation (at least one 24-byte object per
/// iteration) shows in every round, while a one-off allocation the runtime makes when tiered compilation swaps in
/// optimized code lands in one round only, so the minimum separates the two without sleeping or timing anything.
/// </summary>
internal static class AllocationProbe
{
    public static long SteadyStateBytes(Action iteration, int iterations = 10_000, int rounds = 5)
    {
        for (int i = 0; i < 1_000; i++)
        {
            iteration();
        }

        long smallest = long.MaxValue;
        for (int round = 0; round < rounds && smallest != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < iterations; i++)
            {
                iteration();
            }

            smallest = Math.Min(smallest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return smallest;
    }
}
