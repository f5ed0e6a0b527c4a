using System.Buffers;

namespace LoadGen.Protocol.Tests;

/// <summary>
/// The buffer layouts every wire sample is decoded in: right-sized, split in two at every offset, and one byte per
/// segment. A pipe can hand a parser any of these, so a parser that passes them all cannot depend on segment luck.
/// </summary>
internal static class SequenceLayouts
{
    public static IEnumerable<(string Name, ReadOnlySequence<byte> Sequence)> All(byte[] bytes)
    {
        yield return ("right-sized", new ReadOnlySequence<byte>(bytes.ToArray()));
        for (int split = 1; split < bytes.Length; split++)
        {
            yield return ($"split at {split}", Chain(bytes[..split], bytes[split..]));
        }

        if (bytes.Length > 1)
        {
            yield return ("one byte per segment", Chain(bytes.Select(b => new[] { b }).ToArray()));
        }
    }

    /// <summary>Links the arrays into one multi-segment sequence.</summary>
    public static ReadOnlySequence<byte> Chain(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        Segment last = first;
        for (int i = 1; i < parts.Length; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
