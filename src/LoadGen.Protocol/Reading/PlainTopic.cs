using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LoadGen.Protocol;

/// <summary>
/// The fast test for the common topic name: ASCII without U+0000, '+' or '#'. Such a topic is valid UTF-8 and a valid
/// topic name (§1.5.4, §3.3.2.1), so one pass settles it; anything else goes to the full checks, which handle
/// multi-byte UTF-8 and name the rule broken. Sixteen bytes at a time, with an overlapping last block, since typical
/// topics are 10 to 60 bytes and a call into the general vectorized searches costs more than the scan itself.
/// </summary>
internal static class PlainTopic
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPlainAscii(ReadOnlySpan<byte> topic)
    {
        if (topic.Length >= Vector128<byte>.Count && Vector128.IsHardwareAccelerated)
        {
            ref byte start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(topic);
            int last = topic.Length - Vector128<byte>.Count;
            for (int offset = 0; ; offset += Vector128<byte>.Count)
            {
                if (offset > last)
                {
                    offset = last;
                }

                Vector128<byte> block = Vector128.LoadUnsafe(ref start, (nuint)offset);
                // A byte fails if it is 0, '+', '#', or has its top bit set (non-ASCII).
                Vector128<byte> bad = Vector128.Equals(block, Vector128<byte>.Zero) |
                    Vector128.Equals(block, Vector128.Create((byte)'+')) |
                    Vector128.Equals(block, Vector128.Create((byte)'#')) |
                    Vector128.GreaterThanOrEqual(block, Vector128.Create((byte)0x80));
                if (bad != Vector128<byte>.Zero)
                {
                    return false;
                }

                if (offset == last)
                {
                    return true;
                }
            }
        }

        foreach (byte b in topic)
        {
            if (b is 0 or (byte)'+' or (byte)'#' or >= 0x80)
            {
                return false;
            }
        }

        return true;
    }
}
