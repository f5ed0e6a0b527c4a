using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

/// <summary>
/// Reads the MQTT data types of §1.5 from a packet body. A <c>ref struct</c> so it lives on the stack and can hold a
/// span. When the body is one segment (the usual case with a pipe), every read is an index into that span; only a
/// body that straddles segments goes through <see cref="SequenceReader{T}"/>. Strings and binary data come back as
/// slices of the input, never copies. Running out of bytes means the packet is shorter than its own fields claim,
/// which is a Malformed Packet, so reads throw rather than return false.
/// </summary>
public ref struct MqttReader
{
    private readonly ReadOnlySequence<byte> _sequence;
    private readonly ReadOnlySpan<byte> _span;
    private readonly bool _isSingleSegment;
    private int _offset;
    private SequenceReader<byte> _multi;

    /// <summary>Creates a reader over a packet body.</summary>
    public MqttReader(ReadOnlySequence<byte> body)
    {
        _sequence = body;
        _isSingleSegment = body.IsSingleSegment;
        if (_isSingleSegment)
        {
            _span = body.FirstSpan;
            _multi = default;
        }
        else
        {
            _span = default;
            _multi = new SequenceReader<byte>(body);
        }

        _offset = 0;
    }

    /// <summary>Bytes read so far.</summary>
    public readonly long Consumed => _isSingleSegment ? _offset : _multi.Consumed;

    /// <summary>Bytes left in the body.</summary>
    public readonly long Remaining => _isSingleSegment ? _span.Length - _offset : _multi.Remaining;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool End => Remaining == 0;

    /// <summary>MQTT 5.0 §1.5.1: one byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte(string field)
    {
        if (_isSingleSegment)
        {
            if ((uint)_offset < (uint)_span.Length)
            {
                return _span[_offset++];
            }
        }
        else if (_multi.TryRead(out byte value))
        {
            return value;
        }

        MqttProtocolException.Truncated(field);
        return 0;
    }

    /// <summary>MQTT 5.0 §1.5.2: a big-endian 16-bit integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadUInt16(string field)
    {
        if (_isSingleSegment)
        {
            if (_span.Length - _offset >= 2)
            {
                ushort value = BinaryPrimitives.ReadUInt16BigEndian(_span.Slice(_offset));
                _offset += 2;
                return value;
            }
        }
        else if (_multi.TryReadBigEndian(out short value))
        {
            return (ushort)value;
        }

        MqttProtocolException.Truncated(field);
        return 0;
    }

    /// <summary>MQTT 5.0 §1.5.3: a big-endian 32-bit integer.</summary>
    public uint ReadUInt32(string field)
    {
        if (_isSingleSegment)
        {
            if (_span.Length - _offset >= 4)
            {
                uint value = BinaryPrimitives.ReadUInt32BigEndian(_span.Slice(_offset));
                _offset += 4;
                return value;
            }
        }
        else if (_multi.TryReadBigEndian(out int value))
        {
            return (uint)value;
        }

        MqttProtocolException.Truncated(field);
        return 0;
    }

    /// <summary>MQTT 5.0 §1.5.5: a variable byte integer.</summary>
    public int ReadVariableByteInteger(string field)
    {
        OperationStatus status;
        int value;
        int consumed;
        if (_isSingleSegment)
        {
            status = VariableByteInteger.TryRead(_span.Slice(_offset), out value, out consumed);
            if (status == OperationStatus.Done)
            {
                _offset += consumed;
                return value;
            }
        }
        else
        {
            Span<byte> copy = stackalloc byte[VariableByteInteger.MaxByteCount];
            int available = (int)Math.Min(_multi.Remaining, copy.Length);
            _multi.UnreadSequence.Slice(0, available).CopyTo(copy);
            status = VariableByteInteger.TryRead(copy[..available], out value, out consumed);
            if (status == OperationStatus.Done)
            {
                _multi.Advance(consumed);
                return value;
            }
        }

        MqttProtocolException.Truncated(field);
        return 0;
    }

    /// <summary>The next <paramref name="length"/> bytes as a slice of the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySequence<byte> ReadBytes(int length, string field)
    {
        if (_isSingleSegment)
        {
            if ((uint)length <= (uint)(_span.Length - _offset))
            {
                ReadOnlySequence<byte> slice = _sequence.Slice(_offset, length);
                _offset += length;
                return slice;
            }
        }
        else if ((uint)length <= _multi.Remaining)
        {
            ReadOnlySequence<byte> slice = _multi.UnreadSequence.Slice(0, length);
            _multi.Advance(length);
            return slice;
        }

        MqttProtocolException.Truncated(field);
        return default;
    }

    /// <summary>MQTT 5.0 §1.5.6 Binary Data: a 16-bit length, then that many bytes.</summary>
    public ReadOnlySequence<byte> ReadBinary(string field) => ReadBytes(ReadUInt16(field), field);

    /// <summary>MQTT 5.0 §1.5.4 UTF-8 Encoded String: length-prefixed, well-formed UTF-8, no U+0000.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySequence<byte> ReadUtf8String(string field)
    {
        ReadOnlySequence<byte> text = ReadBytes(ReadUInt16(field), field);
        MqttUtf8.Validate(text, field);
        return text;
    }

    /// <summary>Everything not yet read, as a slice (the payload of a PUBLISH).</summary>
    public ReadOnlySequence<byte> ReadToEnd()
    {
        if (_isSingleSegment)
        {
            ReadOnlySequence<byte> rest = _sequence.Slice(_offset);
            _offset = _span.Length;
            return rest;
        }

        ReadOnlySequence<byte> unread = _multi.UnreadSequence;
        _multi.AdvanceToEnd();
        return unread;
    }

    /// <summary>Throws when bytes remain after a packet's last field.</summary>
    public readonly void EnsureEnd(MqttPacketType type)
    {
        if (!End)
        {
            MqttProtocolException.TrailingBytes(type, Remaining);
        }
    }
}
