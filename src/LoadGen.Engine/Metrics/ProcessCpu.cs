using System.Globalization;
using System.Runtime.InteropServices;

namespace LoadGen.Engine;

/// <summary>One reading of what this process has spent so far; two readings' difference is what a span of work cost.</summary>
/// <param name="Total">User plus kernel CPU time.</param>
/// <param name="Kernel">Kernel (system) CPU time.</param>
/// <param name="ContextSwitches">Voluntary plus involuntary context switches, threads that have ended included (0 off Linux).</param>
/// <param name="Collections">Garbage collections, all generations.</param>
/// <param name="AllocatedBytes">Bytes allocated on the managed heap, all threads.</param>
/// <param name="Threads">Per thread id, its name and CPU time in nanoseconds (empty unless asked for, and off Linux).</param>
public sealed record ProcessCpuReading(TimeSpan Total, TimeSpan Kernel, long ContextSwitches, int Collections, long AllocatedBytes,
    IReadOnlyDictionary<int, (string Name, long Nanoseconds)> Threads);

/// <summary>
/// The process's CPU accounting, in one place for the load engine's time series and the loop study: CPU time (user
/// and kernel), context switches (<c>getrusage</c>), collections, allocations, and CPU per thread from
/// <c>/proc/self/task/*/schedstat</c>.
/// </summary>
public static class ProcessCpu
{
    /// <summary>CPU time (user plus kernel) spent so far: the cheap reading, for every interval of a run.</summary>
    public static TimeSpan Total => Environment.CpuUsage.TotalTime;

    /// <summary>A full reading; <paramref name="perThread"/> also reads every thread's CPU (a file read per thread).</summary>
    public static ProcessCpuReading Read(bool perThread = false)
    {
        Environment.ProcessCpuUsage usage = Environment.CpuUsage;
        return new ProcessCpuReading(usage.TotalTime, usage.PrivilegedTime, ContextSwitches(),
            GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: false),
            perThread ? ThreadTimes() : new Dictionary<int, (string, long)>());
    }

    /// <summary>
    /// The CPU each kind of thread spent between two readings, in microseconds, times <paramref name="scale"/> (one
    /// over the messages, for a cost per message): where a model's cost goes (its loop threads, the thread pool, the
    /// socket engine, the GC). <paramref name="loopThread"/> names a single-thread model's one loop thread.
    /// </summary>
    public static Dictionary<string, double> ByThreadKind(ProcessCpuReading start, ProcessCpuReading end, double scale, string loopThread = "loops-")
    {
        var byKind = new Dictionary<string, double>();
        foreach ((int id, (string name, long nanoseconds)) in end.Threads)
        {
            long used = nanoseconds - (start.Threads.TryGetValue(id, out var before) ? before.Nanoseconds : 0);
            if (used > 0)
            {
                string kind = KindOf(name, loopThread);
                byKind[kind] = byKind.GetValueOrDefault(kind) + used / 1000.0 * scale;
            }
        }

        return byKind;
    }

    /// <summary>
    /// How many threads of one reading run client loops: a thread per client's, or a single-thread model's one loop
    /// thread. Counted by name, so a pool thread retiring or a previous case's thread still exiting does not blur it.
    /// </summary>
    public static int LoopThreads(ProcessCpuReading reading, string loopThread = "loops-") =>
        reading.Threads.Values.Count(t => KindOf(t.Name, loopThread) is ClientLoopThreads or OneLoopThread);

    private const string ClientLoopThreads = "client loop threads", OneLoopThread = "the one loop thread";

    private static string KindOf(string name, string loopThread)
    {
        // Linux keeps 15 characters of a thread's name (comm): "loops-CallerLoop" reads back as "loops-CallerLoo".
        loopThread = loopThread[..Math.Min(15, loopThread.Length)];
        return name switch
        {
            _ when name.StartsWith("mqtt-loop", StringComparison.Ordinal) || name == "loop-forever" => ClientLoopThreads,
            _ when name.StartsWith(loopThread, StringComparison.Ordinal) => OneLoopThread,
            _ when name.StartsWith(".NET TP", StringComparison.Ordinal) => "thread pool",
            _ when name.StartsWith(".NET Sockets", StringComparison.Ordinal) => "socket engine",
            _ when name.StartsWith(".NET BGC", StringComparison.Ordinal) || name.StartsWith(".NET Server GC", StringComparison.Ordinal) => "garbage collector",
            _ => "other",
        };
    }

    // schedstat's first field is the time spent running, in nanoseconds; stat's 100 Hz ticks were too coarse for a
    // thousand threads.
    private static Dictionary<int, (string Name, long Nanoseconds)> ThreadTimes()
    {
        var times = new Dictionary<int, (string, long)>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return times;
        }

        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                string schedstat = File.ReadAllText(Path.Combine(task, "schedstat"));
                long running = long.Parse(schedstat.AsSpan(0, schedstat.IndexOf(' ')), CultureInfo.InvariantCulture);
                times[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (File.ReadAllText(Path.Combine(task, "comm")).Trim(), running);
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return times;
    }

    // getrusage(RUSAGE_SELF): summing /proc/self/task/*/status would lose the threads that exit mid-measurement.
    private static long ContextSwitches() =>
        OperatingSystem.IsLinux() && GetResourceUsage(0, out ResourceUsage usage) == 0 ? usage.VoluntarySwitches + usage.InvoluntarySwitches : 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResident, SharedText, UnsharedData, UnsharedStack, MinorFaults, MajorFaults, Swaps, BlockIn, BlockOut, MessagesSent, MessagesReceived, Signals;
        public long VoluntarySwitches, InvoluntarySwitches;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetResourceUsage(int who, out ResourceUsage usage);
}
