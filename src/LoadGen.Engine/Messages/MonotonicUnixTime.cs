using System.Diagnostics;

namespace LoadGen.Engine;

/// <summary>
/// The monotonic clock (<see cref="Stopwatch.GetTimestamp"/>) told in Unix milliseconds: the wall clock is read once,
/// when the process starts, so a template's <c>%ts</c> looks like a timestamp to whoever reads the payload, yet never
/// jumps with the wall clock, and this process turns it back into ticks for end-to-end latency.
/// </summary>
public static class MonotonicUnixTime
{
    private static readonly long StartTicks = Stopwatch.GetTimestamp();
    private static readonly long StartUnixMilliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A monotonic timestamp in Unix milliseconds.</summary>
    public static long ToUnixMilliseconds(long ticks) => StartUnixMilliseconds + ((ticks - StartTicks) * 1000 / Stopwatch.Frequency);

    /// <summary>Unix milliseconds from <see cref="ToUnixMilliseconds"/> back to a monotonic timestamp.</summary>
    public static long ToTicks(long unixMilliseconds) => StartTicks + ((unixMilliseconds - StartUnixMilliseconds) * Stopwatch.Frequency / 1000);
}
