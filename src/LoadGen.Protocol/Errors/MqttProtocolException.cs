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
    internal static void Truncated(string field) =>
        throw new MqttProtocolException(MqttReasonCode.MalformedPacket, MqttViolation.Truncated,
            $"The packet ends inside its {field}.");
}
