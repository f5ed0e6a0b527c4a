using System.Diagnostics;

namespace LoadGen.Client;

/// <summary>
/// An event loop's own timing, recorded without locks or allocation: how long each pass that did work took, and how
/// late the loop woke for a deadline. Buckets are powers of two in microseconds (bucket k holds [2^(k-1), 2^k) µs;
/// bucket 0 holds under 1 µs), fine enough to tell a loop that keeps up from one that does not.
/// </summary>
public sealed class LoopLag
{
    /// <summary>Number of buckets: the last holds everything from 2^30 µs (about 18 minutes) up.</summary>
    public const int Buckets = 32;

    private readonly long[] _pass = new long[Buckets];
    private readonly long[] _late = new long[Buckets];

    /// <summary>Passes that did work, by duration.</summary>
    public ReadOnlySpan<long> PassBuckets => _pass;

    /// <summary>Deadlines the loop woke for, by how late it woke.</summary>
    public ReadOnlySpan<long> LateBuckets => _late;

    /// <summary>The bucket a duration of <paramref name="ticks"/> falls in.</summary>
    public static int BucketOf(long ticks)
    {
        long micros = ticks * 1_000_000 / Stopwatch.Frequency;
        return micros <= 0 ? 0 : (int)Math.Min(Buckets - 1, 64 - long.LeadingZeroCount(micros));
    }

    /// <summary>The upper bound of bucket <paramref name="bucket"/>, in microseconds.</summary>
    public static double UpperMicros(int bucket) => Math.Pow(2, bucket);

    internal void RecordPass(long ticks) => Interlocked.Increment(ref _pass[BucketOf(ticks)]);

    internal void RecordLate(long ticks) => Interlocked.Increment(ref _late[BucketOf(Math.Max(0, ticks))]);

    /// <summary>Adds another loop's counts into <paramref name="pass"/> and <paramref name="late"/> (for a total over loops).</summary>
    public void AddTo(long[] pass, long[] late)
    {
        for (int i = 0; i < Buckets; i++)
        {
            pass[i] += Volatile.Read(ref _pass[i]);
            late[i] += Volatile.Read(ref _late[i]);
        }
    }
}
