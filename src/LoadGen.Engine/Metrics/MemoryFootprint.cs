using System.Diagnostics;

namespace LoadGen.Engine;

/// <summary>The process's memory at one moment, after a full garbage collection.</summary>
/// <param name="ManagedBytes">Live managed heap.</param>
/// <param name="ResidentBytes">Resident set size (all memory the process holds in RAM, native included).</param>
internal readonly record struct MemoryReading(long ManagedBytes, long ResidentBytes)
{
    public static MemoryReading Take()
    {
        // A full, compacting collection, so the reading is what is live, not what the GC has not got round to.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return new MemoryReading(managed, process.WorkingSet64);
    }
}

/// <summary>
/// What each connected, idle session costs the generator: the growth of the managed heap and of the resident set
/// from before the sessions were created to when all were connected, divided by the sessions connected. Kernel
/// socket buffers are not in it (about 4.8 KB per loopback socket on the reference machine).
/// </summary>
/// <param name="Sessions">Sessions connected when measured.</param>
/// <param name="ManagedBytesPerSession">Managed heap growth per session.</param>
/// <param name="ResidentBytesPerSession">Resident set growth per session (the managed heap, its slack, native memory).</param>
/// <param name="IncludesBroker">True when the embedded broker's memory for those sessions is included.</param>
public sealed record MemoryFootprint(int Sessions, double ManagedBytesPerSession, double ResidentBytesPerSession, bool IncludesBroker)
{
    internal static MemoryFootprint? Between(MemoryReading before, MemoryReading after, int sessions) =>
        sessions == 0 ? null : new MemoryFootprint(sessions, (double)(after.ManagedBytes - before.ManagedBytes) / sessions,
            (double)(after.ResidentBytes - before.ResidentBytes) / sessions, false);
}
