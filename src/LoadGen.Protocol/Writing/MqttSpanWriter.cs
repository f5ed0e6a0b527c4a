using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

/// <summary>
/// Writes MQTT data types (§1.5) into a span that the encoder has already sized exactly. Because every length is
/// computed before <c>GetSpan</c>, no write needs a bounds fallback; the span's own checks catch a sizing bug.
/// </summary>
internal ref struct MqttSpanWriter
{
    private readonly Span<byte> _span;
    private int _position;

    public MqttSpanWriter(Span<byte> span)
    {
        _span = span;
        _position = 0;
    }

    public readonly int Position => _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value) => _span[_position++] = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_span.Slice(_position), value);
        _position += 2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVariableByteInteger(int value) => _position += VariableByteInteger.Write(_span.Slice(_position), value);

    /// <summary>§2.1.1 fixed header: the first byte, then the remaining length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteFixedHeader(byte firstByte, int remainingLength)
    {
        WriteByte(firstByte);
        WriteVariableByteInteger(remainingLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBytes(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            bytes.FirstSpan.CopyTo(_span.Slice(_position));
        }
        else
        {
            bytes.CopyTo(_span.Slice(_position));
        }

        _position += (int)bytes.Length;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span.Slice(_position));
        _position += bytes.Length;
    }

    /// <summary>§1.5.4 / §1.5.6: a two-byte length, then the bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLengthPrefixed(in ReadOnlySequence<byte> bytes)
    {
        WriteUInt16((ushort)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>§2.2.2.1: the Property Length, then the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteProperties(in MqttProperties properties)
    {
        WriteVariableByteInteger(properties.Length);
        if (!properties.IsEmpty)
        {
            WriteBytes(properties.Encoded);
        }
    }
}
