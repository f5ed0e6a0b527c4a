using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

/// <summary>
/// Thrown when bytes on the wire break the MQTT specification. It carries the reason code a v5 peer would send
/// (<see cref="MqttReasonCode.MalformedPacket"/>, <see cref="MqttReasonCode.ProtocolError"/>, ...) and the exact rule
/// (<see cref="Violation"/>), so callers can close one session precisely and count errors by cause.
/// </summary>
public sealed class MqttProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reasonCode">The MQTT 5.0 reason code that describes the failure.</param>
    /// <param name="violation">The rule that was broken.</param>
    /// <param name="message">A human-readable explanation naming the field.</param>
    public MqttProtocolException(MqttReasonCode reasonCode, MqttViolation violation, string message)
        : base(message)
    {
        ReasonCode = reasonCode;
        Violation = violation;
    }

    /// <summary>The MQTT 5.0 reason code for this failure.</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>The rule that was broken.</summary>
    public MqttViolation Violation { get; }

    // Throw helpers stay out of line so the decoders' fast paths inline small and branch-predict well.

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Malformed(MqttViolation violation, string message) =>
        throw new MqttProtocolException(MqttReasonCode.MalformedPacket, violation, message);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ProtocolError(MqttViolation violation, string message) =>
        throw new MqttProtocolException(MqttReasonCode.ProtocolError, violation, message);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Throw(MqttReasonCode reasonCode, MqttViolation violation, string message) =>
        throw new MqttProtocolException(reasonCode, violation, message);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ReservedFlags(int firstByte)
    {
        var type = (MqttPacketType)(firstByte >> 4);
        int required = type is MqttPacketType.PubRel or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe ? 2 : 0;
        throw new MqttProtocolException(MqttReasonCode.MalformedPacket, MqttViolation.ReservedFlags,
            $"{type} has fixed-header flags 0x{firstByte & 0x0F:X}; the specification requires 0x{required:X}.");
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void PacketTooLarge(long size, int maximum) =>
        throw new MqttProtocolException(MqttReasonCode.PacketTooLarge, MqttViolation.PacketTooLarge,
            $"The packet is {size} bytes, over the maximum packet size of {maximum}.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ZeroPacketIdentifier(MqttPacketType type) =>
        throw new MqttProtocolException(MqttReasonCode.ProtocolError, MqttViolation.ZeroPacketIdentifier,
            $"{type} has packet identifier 0.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void TrailingBytes(MqttPacketType type, long remaining) =>
        throw new MqttProtocolException(MqttReasonCode.MalformedPacket, MqttViolation.TrailingBytes,
            $"{type} has {remaining} byte(s) after its last field.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void InvalidReasonCode(byte code, MqttPacketType type) =>
        throw new MqttProtocolException(MqttReasonCode.MalformedPacket, MqttViolation.InvalidReasonCode,
            $"{type} carries reason code 0x{code:X2}, which the specification does not list for it.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void InvalidString(MqttViolation violation, string field) =>
        throw new MqttProtocolException(MqttReasonCode.MalformedPacket, violation, violation == MqttViolation.NullCharacter
            ? $"The {field} contains U+0000."
            : $"The {field} is not well-formed UTF-8.");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Truncated(string field) =>
        throw new MqttProtocolException(MqttReasonCode.MalformedPacket, MqttViolation.Truncated,
            $"The packet ends inside its {field}.");
}
