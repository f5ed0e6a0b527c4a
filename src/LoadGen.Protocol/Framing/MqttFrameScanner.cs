using System.Buffers;
using System.Runtime.CompilerServices;

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
        OperationStatus status = Peek(buffer, out frame, maximumPacketSize);
        if (status == OperationStatus.Done)
        {
            buffer = buffer.Slice(frame.Length);
        }

        return status;
    }

    /// <summary>Like <see cref="TryRead"/> but never changes the input.</summary>
    public static OperationStatus Peek(in ReadOnlySequence<byte> buffer, out MqttFrame frame,
        int maximumPacketSize = MaximumPacketSize)
    {
        // Fast path: the whole fixed header sits in the first segment, which is nearly always true for a pipe.
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        int remainingLength;
        int lengthBytes;
        if (first.Length >= 2 && first[1] < 0x80)
        {
            remainingLength = first[1];
            lengthBytes = 1;
        }
        else
        {
            OperationStatus headerStatus = ReadHeaderSlow(buffer, out remainingLength, out lengthBytes);
            if (headerStatus != OperationStatus.Done)
            {
                frame = default;
                return headerStatus;
            }

            first = buffer.FirstSpan;
        }

        byte firstByte = first[0];
        CheckFirstByte(firstByte);

        int headerLength = 1 + lengthBytes;
        long total = (long)headerLength + remainingLength;
        if (total > maximumPacketSize)
        {
            MqttProtocolException.Throw(MqttReasonCode.PacketTooLarge, MqttViolation.PacketTooLarge,
                $"The packet is {total} bytes, over the maximum packet size of {maximumPacketSize}.");
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
    private static OperationStatus ReadHeaderSlow(in ReadOnlySequence<byte> buffer, out int remainingLength, out int lengthBytes)
    {
        remainingLength = 0;
        lengthBytes = 0;
        if (buffer.Length < 2)
        {
            return OperationStatus.NeedMoreData;
        }

        // The header may straddle segments: copy at most five bytes to the stack and parse there.
        Span<byte> header = stackalloc byte[1 + VariableByteInteger.MaxByteCount];
        int available = (int)Math.Min(buffer.Length, header.Length);
        buffer.Slice(0, available).CopyTo(header);
        CheckFirstByte(header[0]);
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
            MqttProtocolException.Malformed(MqttViolation.ReservedFlags,
                $"{(MqttPacketType)type} has fixed-header flags 0x{flags:X}; the specification requires 0x{required:X}.");
        }
    }
}
