using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

/// <summary>
/// MQTT 5.0 §1.5.5 / MQTT 3.1.1 §2.2.3 Variable Byte Integer: seven bits per byte, least significant group first,
/// the top bit of each byte says "more follows". At most four bytes, so at most 268,435,455.
/// </summary>
public static class VariableByteInteger
{
    /// <summary>The largest value four bytes can carry: 268,435,455.</summary>
    public const int MaxValue = 268_435_455;

    /// <summary>The most bytes an encoding may take.</summary>
    public const int MaxByteCount = 4;

    /// <summary>How many bytes <paramref name="value"/> takes on the wire.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetByteCount(int value) =>
        // Branches beat a loop here: nearly every call is for a value under 128.
        value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;

    /// <summary>Writes <paramref name="value"/> and returns the number of bytes written.</summary>
    /// <exception cref="MqttProtocolException">The value is negative or above <see cref="MaxValue"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, int value)
    {
        if (value < 128 && value >= 0 && destination.Length > 0)
        {
            destination[0] = (byte)value;
            return 1;
        }

        return WriteMultiByte(destination, value);
    }

    private static int WriteMultiByte(Span<byte> destination, int value)
    {
        if ((uint)value > MaxValue)
        {
            ThrowTooLarge(value);
        }

        int count = 0;
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0)
            {
                b |= 0x80;
            }

            destination[count++] = b;
        }
        while (value > 0);

        return count;
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooLarge(int value) =>
        MqttProtocolException.Malformed(MqttViolation.RemainingLengthTooLarge,
            $"The value {value} does not fit a variable byte integer (0 to {MaxValue}).");

    /// <summary>
    /// Reads a variable byte integer from the start of <paramref name="source"/>.
    /// Returns <see cref="OperationStatus.NeedMoreData"/> when the source ends before the last byte.
    /// </summary>
    /// <exception cref="MqttProtocolException">More than four bytes, or a non-minimal encoding.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OperationStatus TryRead(ReadOnlySpan<byte> source, out int value, out int bytesConsumed)
    {
        if (source.Length > 0 && source[0] < 0x80)
        {
            value = source[0];
            bytesConsumed = 1;
            return OperationStatus.Done;
        }

        return TryReadMultiByte(source, out value, out bytesConsumed);
    }

    /// <summary>
    /// The one decoding loop, used by <see cref="TryRead"/> and by the frame scanner's fast path: true only for a
    /// complete, minimal encoding of at most four bytes. It never throws; <see cref="TryRead"/> says what was wrong.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryDecode(ReadOnlySpan<byte> source, out int value, out int bytesConsumed)
    {
        value = 0;
        int limit = Math.Min(source.Length, MaxByteCount);
        for (int i = 0; i < limit; i++)
        {
            byte b = source[i];
            value |= (b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                bytesConsumed = i + 1;
                // MQTT 5.0 [MQTT-1.5.5-1]: the minimum number of bytes. A final 0x00 group after a continuation
                // means the same value fits one byte shorter.
                return b != 0 || i == 0;
            }
        }

        bytesConsumed = 0;
        return false;
    }

    private static OperationStatus TryReadMultiByte(ReadOnlySpan<byte> source, out int value, out int bytesConsumed)
    {
        if (TryDecode(source, out value, out bytesConsumed))
        {
            return OperationStatus.Done;
        }

        value = 0;
        bytesConsumed = 0;
        if (source[..Math.Min(source.Length, MaxByteCount)].IndexOfAnyInRange((byte)0, (byte)0x7F) >= 0)
        {
            MqttProtocolException.Malformed(MqttViolation.VariableByteIntegerNotMinimal,
                "A variable byte integer uses more bytes than its value needs.");
        }

        if (source.Length < MaxByteCount)
        {
            return OperationStatus.NeedMoreData;
        }

        MqttProtocolException.Malformed(MqttViolation.VariableByteIntegerTooLong,
            "A variable byte integer has a continuation bit on its fourth byte (more than 4 bytes).");
        return OperationStatus.InvalidData;
    }
}
