namespace LoadGen.Protocol;

/// <summary>
/// Compares topic names as UTF-8 bytes, so a dictionary keyed by topic is looked up straight from a received or an
/// outgoing packet's bytes, with no string made per message.
/// </summary>
public sealed class TopicBytesComparer : IEqualityComparer<ReadOnlyMemory<byte>>
{
    /// <summary>The comparer.</summary>
    public static TopicBytesComparer Instance { get; } = new();

    /// <inheritdoc/>
    public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

    /// <inheritdoc/>
    public int GetHashCode(ReadOnlyMemory<byte> obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj.Span);
        return hash.ToHashCode();
    }
}
