namespace LoadGen.Engine;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): a tiny, seedable generator for per-session draws. Seeded by the session's
/// index, so the same session draws the same sequence whichever process or shard runs it.
/// </summary>
internal struct SplitMix
{
    private ulong _state;

    public SplitMix(ulong seed) => _state = seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="minValue"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int minValue, int maxExclusive) =>
        minValue + (int)(NextUInt64() % (ulong)(maxExclusive - minValue));
}
