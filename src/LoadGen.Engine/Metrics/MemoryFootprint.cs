using System.Diagnostics;

namespace LoadGen.Engine;

/// <summary>The process's memory at one moment, after a full garbage collection.</summary>
/// <param name="ManagedBytes">Live managed heap.</param>
/// <param name="ResidentBytes">Resident set size (all memory the process holds in RAM: heap, native, code).</param>
/// <param name="AnonymousBytes">
/// The private, anonymous part of the resident set (Linux <c>RssAnon</c>): heaps and native allocations. It leaves
/// out file-backed pages (assemblies and native libraries paged in as code first runs) and the JIT's shared code
/// mappings, which grow when new code paths run, not with the number of sessions.
/// </param>
internal readonly record struct MemoryReading(long ManagedBytes, long ResidentBytes, long AnonymousBytes)
{
    public static MemoryReading Take()
    {
        // A full, compacting collection that also returns free regions to the OS: the reading is what is live, not
        // what the GC has not got round to decommitting (without it the resident growth per session swung between
        // 5.9 and 7.9 KB run to run at 10,000 sessions).
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        long resident = process.WorkingSet64;
        return new MemoryReading(managed, resident, ReadAnonymous() ?? resident);
    }

    private static long? ReadAnonymous()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                // "RssAnon:	   41924 kB"
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(8).Trim().TrimEnd("kB").Trim(), provider: System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}

/// <summary>
/// What each connected, idle session costs the generator: the growth of the managed heap and of the resident set
/// from before the sessions were created to when all were connected, divided by the sessions connected. Kernel
/// socket buffers are not in it (about 4.8 KB per loopback socket on the reference machine).
/// </summary>
/// <param name="Sessions">Sessions connected when measured.</param>
/// <param name="ManagedBytesPerSession">Managed heap growth per session.</param>
/// <param name="ResidentBytesPerSession">
/// Private resident memory growth per session (Linux <c>RssAnon</c>: the managed heap, its slack, native memory).
/// This is the figure the 4 KiB target is about.
/// </param>
/// <param name="IncludesBroker">True when the embedded broker's memory for those sessions is included.</param>
/// <param name="ProcessResidentBytesPerSession">
/// Whole resident set growth per session, code pages included; the code paged in while connecting is a fixed cost,
/// so this one falls as sessions grow.
/// </param>
public sealed record MemoryFootprint(int Sessions, double ManagedBytesPerSession, double ResidentBytesPerSession, bool IncludesBroker,
    double ProcessResidentBytesPerSession = 0)
{
    // A reading that shrank measured something else (an earlier run's garbage collected in between, as in one
    // process running several): no figure rather than a negative one.
    internal static MemoryFootprint? Between(MemoryReading before, MemoryReading after, int sessions) =>
        sessions == 0 || after.ManagedBytes < before.ManagedBytes || after.AnonymousBytes < before.AnonymousBytes || after.ResidentBytes < before.ResidentBytes
            ? null
            : new MemoryFootprint(sessions,
            (double)(after.ManagedBytes - before.ManagedBytes) / sessions,
            (double)(after.AnonymousBytes - before.AnonymousBytes) / sessions,
            false,
            (double)(after.ResidentBytes - before.ResidentBytes) / sessions);
}
