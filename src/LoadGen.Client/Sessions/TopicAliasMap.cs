using System.Runtime.InteropServices;
using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// One connection's outgoing topic aliases (MQTT 5.0 §3.3.2.3.4): topics mapped in the order first sent, up to the
/// broker's Topic Alias Maximum. Mappings are never replaced: a load loop sends the same few topics again and again,
/// and a topic beyond the maximum simply goes by name. Lookups allocate nothing; a topic's memory is referenced, so
/// the caller keeps it unchanged while the connection lasts (the engine's topics are the session's own arrays).
/// </summary>
internal sealed class TopicAliasMap
{
    private readonly Dictionary<ReadOnlyMemory<byte>, ushort> _aliases = new(TopicBytesComparer.Instance);
    private ushort _maximum;

    /// <summary>PUBLISH packets sent with the alias alone.</summary>
    public long Hits { get; private set; }

    /// <summary>Starts counting <see cref="Hits"/> again (a pooled session reused for another run).</summary>
    public void ResetHits() => Hits = 0;

    /// <summary>Forgets every mapping: a new connection, whose broker allows <paramref name="maximum"/> aliases.</summary>
    public void Reset(ushort maximum)
    {
        _aliases.Clear();
        _maximum = maximum;
    }

    /// <summary>
    /// The alias for <paramref name="topic"/>: an existing one (<paramref name="known"/>: send it alone), a new one
    /// (send it with the topic), or 0 when the broker allows no more.
    /// </summary>
    public ushort Find(ReadOnlyMemory<byte> topic, out bool known)
    {
        ref ushort alias = ref CollectionsMarshal.GetValueRefOrNullRef(_aliases, topic);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref alias))
        {
            known = true;
            Hits++;
            return alias;
        }

        known = false;
        if (_aliases.Count >= _maximum || topic.IsEmpty)
        {
            return 0;
        }

        ushort next = (ushort)(_aliases.Count + 1);
        _aliases.Add(topic, next);
        return next;
    }
}
