using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace LoadGen.Protocol;

/// <summary>
/// MQTT 5.0 §1.5.4 / MQTT 3.1.1 §1.5.3: UTF-8 strings must be well-formed (no surrogates, no overlong forms) and must
/// not contain U+0000. Both checks are vectorized by the runtime, so validating a topic costs a few nanoseconds.
/// </summary>
public static class MqttUtf8
{
    /// <summary>Throws <see cref="MqttProtocolException"/> if <paramref name="text"/> is not a valid MQTT string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Validate(in ReadOnlySequence<byte> text, string field)
    {
        if (text.IsSingleSegment)
        {
            Validate(text.FirstSpan, field);
        }
        else
        {
            ValidateMultiSegment(text, field);
        }
    }

    /// <summary>Throws <see cref="MqttProtocolException"/> if <paramref name="text"/> is not a valid MQTT string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Validate(ReadOnlySpan<byte> text, string field)
    {
        if (!Utf8.IsValid(text))
        {
            MqttProtocolException.InvalidString(MqttViolation.InvalidUtf8, field);
        }

        if (text.Contains((byte)0))
        {
            MqttProtocolException.InvalidString(MqttViolation.NullCharacter, field);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ValidateMultiSegment(in ReadOnlySequence<byte> text, string field)
    {
        // A code point may straddle segments, so validate a contiguous copy. Strings are at most 65,535 bytes.
        int length = (int)text.Length;
        byte[]? rented = null;
        Span<byte> copy = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            text.CopyTo(copy);
            Validate(copy[..length], field);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
