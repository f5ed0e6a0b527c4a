using System.Buffers.Binary;

namespace LoadGen.Engine;

/// <summary>
/// The first 16 bytes of every published payload: the monotonic send timestamp, the publisher's index and its
/// sequence number. Subscribers read it back for end-to-end latency and the loss, duplicate and order audit; the
/// clock is shared because publishers and subscribers run in one process (shards merge by count, not by clock).
/// </summary>
public static class PayloadStamp
{
    /// <summary>Bytes the stamp takes; smaller payloads carry no stamp.</summary>
    public const int Size = 16;

    /// <summary>Writes the stamp at the start of <paramref name="payload"/>.</summary>
    public static void Write(Span<byte> payload, long sentTicks, int publisher, int sequence)
    {
        if (payload.Length < Size)
        {
            return;
        }

        BinaryPrimitives.WriteInt64LittleEndian(payload, sentTicks);
        BinaryPrimitives.WriteInt32LittleEndian(payload[8..], publisher);
        BinaryPrimitives.WriteInt32LittleEndian(payload[12..], sequence);
    }

    /// <summary>Reads a stamp; false for a payload too short to carry one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long sentTicks, out int publisher, out int sequence)
    {
        if (payload.Length < Size)
        {
            sentTicks = 0;
            publisher = sequence = 0;
            return false;
        }

        sentTicks = BinaryPrimitives.ReadInt64LittleEndian(payload);
        publisher = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
        sequence = BinaryPrimitives.ReadInt32LittleEndian(payload[12..]);
        return true;
    }
}
