using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

/// <summary>
/// Writes packets into an <see cref="IBufferWriter{T}"/>. Each method works out the remaining length first, takes
/// one span of exactly the right size from the writer and fills it, so a packet costs a single
/// <c>GetSpan</c>/<c>Advance</c> pair (a large PUBLISH payload is copied after the header in as many pieces as the
/// writer offers). Each returns the number of bytes written, which is what "bytes on the wire" counts.
/// </summary>
public static partial class MqttEncoder
{
    /// <summary>Bytes a two-byte-length-prefixed string or binary field takes (§1.5.4, §1.5.6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LengthPrefixedSize(in ReadOnlySequence<byte> bytes, string field)
    {
        long length = bytes.Length;
        if (length > ushort.MaxValue)
        {
            ThrowFieldTooLong(field, length);
        }

        return 2 + (int)length;
    }

    /// <summary>Bytes a property block takes with its length prefix; 0 under 3.1.1 (§2.2.2.1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PropertiesSize(in MqttProperties properties, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500)
        {
            return 0;
        }

        int length = properties.Length;
        return VariableByteInteger.GetByteCount(length) + length;
    }

    /// <summary>Takes a span for a whole packet of known size and starts it with the fixed header.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static MqttSpanWriter Begin(IBufferWriter<byte> output, byte firstByte, int remainingLength, out int total)
    {
        total = 1 + VariableByteInteger.GetByteCount(remainingLength) + remainingLength;
        var writer = new MqttSpanWriter(output.GetSpan(total));
        writer.WriteFixedHeader(firstByte, remainingLength);
        return writer;
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFieldTooLong(string field, long length) =>
        throw new ArgumentException($"The {field} is {length} bytes; MQTT strings and binary fields hold at most 65,535.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalid(string message) => throw new ArgumentException(message);

    /// <summary>MQTT 5.0 §3.12 PINGREQ: <c>C0 00</c>.</summary>
    public static int WritePingReq(IBufferWriter<byte> output) => WriteEmpty(output, 0xC0);

    /// <summary>MQTT 5.0 §3.13 PINGRESP: <c>D0 00</c>.</summary>
    public static int WritePingResp(IBufferWriter<byte> output) => WriteEmpty(output, 0xD0);

    private static int WriteEmpty(IBufferWriter<byte> output, byte firstByte)
    {
        Span<byte> span = output.GetSpan(2);
        span[0] = firstByte;
        span[1] = 0;
        output.Advance(2);
        return 2;
    }
}
