using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LoadGen.Protocol;

/// <summary>
/// Finds packet boundaries in a byte stream (MQTT 3.1.1 §2.2, MQTT 5.0 §2.1): a first byte, a variable byte integer
/// Remaining Length, then that many bytes. It says <see cref="OperationStatus.Done"/> with a frame, or
/// <see cref="OperationStatus.NeedMoreData"/> and consumes nothing. It checks everything the fixed header alone can
/// tell: reserved packet type, reserved flags (table 2-2), QoS 3, DUP on QoS 0, and the maximum packet size, which is
/// checked as soon as the length is known so an oversized packet is refused before it is buffered.
/// </summary>
public static class MqttFrameScanner
{
    /// <summary>The largest possible packet: a 5-byte fixed header plus 268,435,455 bytes.</summary>
    public const int MaximumPacketSize = 1 + VariableByteInteger.MaxByteCount + VariableByteInteger.MaxValue;

    /// <summary>
    /// Looks for one whole packet at the start of <paramref name="buffer"/>. On success slices it off
    /// <paramref name="buffer"/>; on <see cref="OperationStatus.NeedMoreData"/> leaves <paramref name="buffer"/> as it was.
    /// </summary>
    /// <param name="buffer">Received bytes. Advanced past the frame on success.</param>
    /// <param name="frame">The frame found, valid while the underlying memory is.</param>
    /// <param name="maximumPacketSize">Largest packet accepted, fixed header included (MQTT 5.0 §3.1.2.11.4).</param>
    /// <exception cref="MqttProtocolException">The fixed header breaks a rule, or the packet is too large.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OperationStatus TryRead(ref ReadOnlySequence<byte> buffer, out MqttFrame frame,
        int maximumPacketSize = MaximumPacketSize)
    {
        // Fast path, small enough to inline into the caller: the input is one array (a byte[] wrapped in a sequence),
        // the remaining length takes one or two bytes, and the first byte is valid. Inlined, the frame and the
        // advanced buffer are written to the caller's locals, which spares the GC write barriers an out-of-line
        // write of three object references would cost.
        if (SequenceMarshal.TryGetArray(buffer, out ArraySegment<byte> segment))
        {
            ReadOnlySpan<byte> span = segment.AsSpan();
            if (span.Length >= 2 && TryReadLength(span, out int remaining, out int headerLength))
            {
                int total = headerLength + remaining;
                if (total <= span.Length && total <= maximumPacketSize && ValidFirstByte[span[0]] != 0)
                {
                    frame = new MqttFrame(span[0], remaining, headerLength, segment.Array!, segment.Offset + headerLength);
                    buffer = new ReadOnlySequence<byte>(segment.Array!, segment.Offset + total, segment.Count - total);
                    return OperationStatus.Done;
                }
            }
        }

        return TryReadGeneral(ref buffer, out frame, maximumPacketSize);
    }

    // The remaining length, read without throwing: any doubt (too long, not minimal, cut short) returns false and the
    // general path decides, with the precise error when there is one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadLength(ReadOnlySpan<byte> span, out int remaining, out int headerLength)
    {
        bool done = VariableByteInteger.TryDecode(span[1..], out remaining, out int lengthBytes);
        headerLength = lengthBytes + 1;
        return done;
    }

    private static OperationStatus TryReadGeneral(ref ReadOnlySequence<byte> buffer, out MqttFrame frame, int maximumPacketSize)
    {
        OperationStatus status = Peek(buffer, out frame, maximumPacketSize);
        if (status == OperationStatus.Done)
        {
            buffer = buffer.Slice(frame.Length);
        }

        return status;
    }

    // 1 where a first byte is legal: type 1 to 15 with the flags table 2-2 fixes, or PUBLISH with QoS 0 to 2 and no
    // DUP on QoS 0. Anything else goes to the general path, which names the exact rule broken.
    private static ReadOnlySpan<byte> ValidFirstByte =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x00
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x10
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x20
        1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, // 0x30
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x40
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x50
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x60
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x70
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x80
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x90
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0xA0
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0xB0
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0xC0
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0xD0
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0xE0
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0xF0
    ];

    /// <summary>Like <see cref="TryRead"/> but never changes the input.</summary>
    public static OperationStatus Peek(in ReadOnlySequence<byte> buffer, out MqttFrame frame,
        int maximumPacketSize = MaximumPacketSize)
    {
        // Fast path: the whole fixed header sits in the first segment, which is nearly always true for a pipe, and
        // that segment is an array, as pooled pipe memory and byte[] input are.
        ReadOnlySpan<byte> first;
        if (SequenceMarshal.TryGetArray(buffer, out ArraySegment<byte> firstArray) ||
            MemoryMarshal.TryGetArray(buffer.First, out firstArray))
        {
            first = firstArray.AsSpan();
        }
        else
        {
            first = buffer.FirstSpan;
            firstArray = default;
        }

        int remainingLength;
        int lengthBytes;
        byte firstByte;
        if (first.Length >= 2 &&
            VariableByteInteger.TryRead(first[1..], out remainingLength, out lengthBytes) == OperationStatus.Done)
        {
            // The whole fixed header sits in the first segment: no copy needed.
            firstByte = first[0];
        }
        else
        {
            // The header straddles segments, or the first segment is empty (a pipe can hand out such a sequence).
            OperationStatus headerStatus = ReadHeaderSlow(buffer, out remainingLength, out lengthBytes, out firstByte);
            if (headerStatus != OperationStatus.Done)
            {
                frame = default;
                return headerStatus;
            }

            firstArray = default;
        }

        CheckFirstByte(firstByte);

        int headerLength = 1 + lengthBytes;
        long total = (long)headerLength + remainingLength;
        if (total > maximumPacketSize)
        {
            MqttProtocolException.PacketTooLarge(total, maximumPacketSize);
        }

        if (firstArray.Array is not null && first.Length >= total)
        {
            frame = new MqttFrame(firstByte, remainingLength, headerLength, firstArray.Array, firstArray.Offset + headerLength);
            return OperationStatus.Done;
        }

        if (buffer.Length < total)
        {
            frame = default;
            return OperationStatus.NeedMoreData;
        }

        frame = new MqttFrame(firstByte, remainingLength, headerLength, buffer.Slice(headerLength, remainingLength));
        return OperationStatus.Done;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static OperationStatus ReadHeaderSlow(in ReadOnlySequence<byte> buffer, out int remainingLength, out int lengthBytes,
        out byte firstByte)
    {
        remainingLength = 0;
        lengthBytes = 0;
        firstByte = 0;
        if (buffer.Length < 2)
        {
            return OperationStatus.NeedMoreData;
        }

        // The header may straddle segments: copy at most five bytes to the stack and parse there.
        Span<byte> header = stackalloc byte[1 + VariableByteInteger.MaxByteCount];
        int available = (int)Math.Min(buffer.Length, header.Length);
        buffer.Slice(0, available).CopyTo(header);
        firstByte = header[0];
        CheckFirstByte(firstByte);
        return VariableByteInteger.TryRead(header[1..available], out remainingLength, out lengthBytes);
    }

    // MQTT 5.0 §2.1.3 table 2-2 / MQTT 3.1.1 §2.2.2 table 2.2: the flags every type but PUBLISH must carry.
    // Bit n of a row is set when flags value n is allowed; PUBLISH allows all 16 and is checked separately.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckFirstByte(byte firstByte)
    {
        int type = firstByte >> 4;
        int flags = firstByte & 0x0F;
        if (type == (int)MqttPacketType.Publish)
        {
            // §3.3.1.2: QoS 3 is malformed. §3.3.1.1: DUP must be 0 for QoS 0.
            int qos = (flags >> 1) & 0b11;
            if (qos == 3)
            {
                MqttProtocolException.Malformed(MqttViolation.InvalidQoS, "PUBLISH has QoS 3, which is reserved.");
            }

            if (qos == 0 && (flags & 0b1000) != 0)
            {
                MqttProtocolException.Malformed(MqttViolation.DupOnQoS0, "PUBLISH has DUP set with QoS 0.");
            }

            return;
        }

        if (type == (int)MqttPacketType.Reserved)
        {
            MqttProtocolException.Malformed(MqttViolation.ReservedPacketType, "Packet type 0 is reserved.");
        }

        int required = type is (int)MqttPacketType.PubRel or (int)MqttPacketType.Subscribe or (int)MqttPacketType.Unsubscribe
            ? 0b0010
            : 0b0000;
        if (flags != required)
        {
            MqttProtocolException.ReservedFlags(firstByte);
        }
    }
}
