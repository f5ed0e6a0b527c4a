using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LoadGen.Engine;

/// <summary>
/// Wakes open-model schedulers at their next message's intended time, to within about a tenth of a millisecond.
/// <c>Task.Delay</c> ticks in whole milliseconds, and that tick showed up as 1–2 ms of generator lag in every response
/// time. One dedicated thread serves every waiter: it sleeps with <c>nanosleep</c> for short waits and on a monitor
/// for long ones, so it costs a wake-up per due time, not a spinning core.
/// </summary>
internal sealed class PreciseTimer
{
    /// <summary>The process-wide timer.</summary>
    public static PreciseTimer Shared { get; } = new();

    // Long waits sleep on the monitor (a new, earlier waiter wakes it); the last stretch uses nanosleep, whose slack
    // on Linux is about 50 µs instead of the monitor's millisecond.
    private static readonly long Fine = Stopwatch.Frequency / 500;
    private readonly PriorityQueue<TaskCompletionSource, long> _waiters = new();
    private readonly object _lock = new();

    private PreciseTimer()
    {
        new Thread(Run) { IsBackground = true, Name = "loadgen precise timer", Priority = ThreadPriority.AboveNormal }.Start();
    }

    /// <summary>Completes at <paramref name="dueTicks"/> (a <see cref="Stopwatch"/> timestamp), or when cancelled.</summary>
    public Task WaitUntilAsync(long dueTicks, CancellationToken cancellationToken)
    {
        if (dueTicks <= Stopwatch.GetTimestamp())
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(static w => ((TaskCompletionSource)w!).TrySetCanceled(), waiter);
        }

        lock (_lock)
        {
            _waiters.Enqueue(waiter, dueTicks);
            Monitor.PulseAll(_lock);
        }

        return waiter.Task;
    }

    private void Run()
    {
        while (true)
        {
            long wait;
            lock (_lock)
            {
                long now = Stopwatch.GetTimestamp();
                while (_waiters.TryPeek(out TaskCompletionSource? waiter, out long due) && due <= now)
                {
                    _waiters.Dequeue();
                    waiter.TrySetResult();
                }

                if (!_waiters.TryPeek(out _, out long next))
                {
                    Monitor.Wait(_lock);
                    continue;
                }

                wait = next - now;
                if (wait > Fine)
                {
                    Monitor.Wait(_lock, TimeSpan.FromSeconds((double)(wait - Fine) / Stopwatch.Frequency));
                    continue;
                }
            }

            Sleep(wait);
        }
    }

    private static void Sleep(long ticks)
    {
        if (!OperatingSystem.IsLinux())
        {
            Thread.Sleep(1);
            return;
        }

        long nanoseconds = ticks * 1_000_000_000 / Stopwatch.Frequency;
        var request = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        _ = NanoSleep(ref request, IntPtr.Zero);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "nanosleep")]
    private static extern int NanoSleep(ref TimeSpec request, IntPtr remaining);
}
