using System.Globalization;

namespace LoadGen.Engine;

/// <summary>
/// One process's share of a profile, <c>i/N</c>: shard <see cref="Index"/> of <see cref="Count"/>. Every group's
/// sessions are cut into N contiguous ranges by index, so client ids, topics and each session's random draws are the
/// ones the same session would have in a single-process run.
/// </summary>
/// <param name="Index">This shard, from 0.</param>
/// <param name="Count">How many shards the profile is split into.</param>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole profile in one process.</summary>
    public static Shard Whole => new(0, 1);

    /// <summary>True when this is the whole profile.</summary>
    public bool IsWhole => Count == 1;

    /// <summary>Parses <c>i/N</c> with 0 ≤ i &lt; N.</summary>
    /// <exception cref="FormatException">The text is not <c>i/N</c> with 0 ≤ i &lt; N.</exception>
    public static Shard Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
        {
            return new Shard(index, count);
        }

        throw new FormatException($"--shard '{text}': expected i/N with 0 <= i < N, for example 0/4");
    }

    /// <summary>
    /// This shard's part of <paramref name="total"/> items: [start, end). The N parts cover 0..total exactly once and
    /// differ in size by at most one.
    /// </summary>
    public (int Start, int End) Range(int total) =>
        ((int)((long)total * Index / Count), (int)((long)total * (Index + 1) / Count));

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
