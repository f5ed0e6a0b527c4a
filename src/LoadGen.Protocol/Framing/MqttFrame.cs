using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>
/// One complete control packet found by <see cref="MqttFrameScanner"/>: the fixed header, already checked, and the
/// body as a slice of the caller's buffer. Nothing is copied; the frame is valid as long as that buffer is.
/// </summary>
public readonly struct MqttFrame
{
    // When the packet lies inside one array (a pooled pipe segment or a byte[]), the frame keeps (array, offset) and
    // builds Body on demand: constructing a sequence from an array is far cheaper than ReadOnlySequence.Slice.
    private readonly byte[]? _array;
    private readonly int _bodyOffset;
    private readonly ReadOnlySequence<byte> _body;

    // Only the scanner makes frames, so decoders can rely on the fixed-header checks it has already done.
    internal MqttFrame(byte firstByte, int remainingLength, int headerLength, ReadOnlySequence<byte> body)
    {
        FirstByte = firstByte;
        RemainingLength = remainingLength;
        HeaderLength = headerLength;
        _body = body;
    }

    internal MqttFrame(byte firstByte, int remainingLength, int headerLength, byte[] array, int bodyOffset)
    {
        FirstByte = firstByte;
        RemainingLength = remainingLength;
        HeaderLength = headerLength;
        _array = array;
        _bodyOffset = bodyOffset;
    }

    /// <summary>The first byte: packet type in the high nibble, flags in the low nibble.</summary>
    public byte FirstByte { get; }

    /// <summary>The packet type.</summary>
    public MqttPacketType Type => (MqttPacketType)(FirstByte >> 4);

    /// <summary>The four flag bits of the fixed header.</summary>
    public byte Flags => (byte)(FirstByte & 0x0F);

    /// <summary>Bytes after the fixed header (variable header plus payload).</summary>
    public int RemainingLength { get; }

    /// <summary>Bytes in the fixed header: 1 plus the variable byte integer (2 to 5).</summary>
    public int HeaderLength { get; }

    /// <summary>Total bytes of the packet on the wire; advance the input by this much.</summary>
    public int Length => HeaderLength + RemainingLength;

    /// <summary>The variable header and payload, sliced from the input without copying.</summary>
    public ReadOnlySequence<byte> Body => _array is null ? _body : new ReadOnlySequence<byte>(_array, _bodyOffset, RemainingLength);

    /// <summary>The body as one contiguous array range, when it is one.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool TryGetArrayBody(out ArrayBackedBody body)
    {
        if (_array is not null)
        {
            body = new ArrayBackedBody(_array, _bodyOffset, RemainingLength);
            return true;
        }

        return TryGetArrayBodySlow(out body);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private bool TryGetArrayBodySlow(out ArrayBackedBody body) => ArrayBackedBody.TryCreate(_body, out body);
}
