using System.Collections.Concurrent;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

/// <summary>
/// The error reasons a run counts, written here and only here, so the engine that counts them and the verdict that
/// reads them agree: which reasons are a first connect's failure (the <c>connect</c> rule owns them), which are an
/// unacknowledged message (the <c>acknowledged</c> rule owns them), and the rest (the <c>errors</c> rule).
/// </summary>
public static class ErrorReasons
{
    /// <summary>A first connect that failed: <c>connect: no CONNACK within 10 s</c>.</summary>
    public const string ConnectPrefix = "connect: ";

    /// <summary>A first connect the broker refused: <c>connect refused: not authorized (5)</c>.</summary>
    public const string ConnectRefusedPrefix = "connect refused: ";

    /// <summary>A server DISCONNECT: <c>broker sent DISCONNECT: server busy (0x89)</c>.</summary>
    public const string ServerDisconnectPrefix = "broker sent DISCONNECT: ";

    /// <summary>A malformed packet from the broker: <c>protocol error from broker: ReservedFlags</c>.</summary>
    public const string ProtocolErrorPrefix = "protocol error from broker: ";

    /// <summary>A connection that ended: <c>connection lost: the broker closed the connection</c>.</summary>
    public const string ConnectionLostPrefix = "connection lost: ";

    private const string PublishRefusedPrefix = "publish refused: ";
    private const string AckTimeoutPrefix = "no PUB";

    // Texts counted per message are made once: a broker that refuses everything must not cost a string per message.
    private static readonly string?[] PublishRefusedTexts = new string?[256];
    private static readonly ConcurrentDictionary<(string Leg, TimeSpan Timeout), string> AckTimeoutTexts = new();

    /// <summary>A CONNACK refusal, first connect or reconnect.</summary>
    public static string ConnectRefused(int code, MqttProtocolVersion version, bool reconnect) =>
        (reconnect ? "reconnect refused: " : ConnectRefusedPrefix) + MqttReasonText.Refusal(code, version);

    /// <summary>A reconnect whose socket did not open: <c>reconnect failed: ConnectionRefused</c>.</summary>
    public static string ReconnectFailed(string? socketError) => socketError is null ? "reconnect failed" : ReconnectFailedPrefix + socketError;

    private const string ReconnectFailedPrefix = "reconnect failed: ";
    private const string ReconnectPrefix = "reconnect: ";

    /// <summary>A connect that did not get in, with its cause, first connect or reconnect.</summary>
    public static string ConnectFailed(string cause, bool reconnect) => (reconnect ? ReconnectPrefix : ConnectPrefix) + cause;

    /// <summary>A QoS 1/2 message the broker refused.</summary>
    public static string PublishRefused(MqttReasonCode code) =>
        PublishRefusedTexts[(byte)code] ??= $"{PublishRefusedPrefix}{MqttReasonText.ReasonCode(code)} (0x{(byte)code:X2})";

    /// <summary>A handshake leg that timed out: <c>no PUBACK within 10 s</c>.</summary>
    public static string AckTimeout(string leg, TimeSpan timeout) =>
        AckTimeoutTexts.GetOrAdd((leg, timeout), static k => $"no {k.Leg} within {Durations.Format(k.Timeout)}");

    /// <summary>A message not sent because the broker's CONNACK forbids it.</summary>
    public static string NotSent(PublishRefusal refusal, ServerLimits limits, int qos) => NotSentTexts.GetOrAdd((refusal, refusal switch
    {
        PublishRefusal.PacketTooLarge => limits.MaximumPacketSize,
        PublishRefusal.QosNotSupported => qos * 10 + (int)limits.MaximumQos,
        _ => 0,
    }), _ => refusal switch
    {
        PublishRefusal.PacketTooLarge => $"not sent: larger than the broker's Maximum Packet Size ({limits.MaximumPacketSize} B)",
        PublishRefusal.QosNotSupported => $"not sent: QoS {qos} above the broker's Maximum QoS {(int)limits.MaximumQos}",
        _ => "not sent: retained, and the broker has Retain Available 0",
    });

    private static readonly ConcurrentDictionary<(PublishRefusal Refusal, long Limit), string> NotSentTexts = new();

    /// <summary>True for a first connect's failure; a lost connection or a reconnect's failure is not one.</summary>
    public static bool IsConnectFailure(string reason) =>
        reason.StartsWith(ConnectPrefix, StringComparison.Ordinal) || reason.StartsWith(ConnectRefusedPrefix, StringComparison.Ordinal);

    /// <summary>True for a message that was not acknowledged: refused, or its acknowledgement timed out.</summary>
    public static bool IsUnacknowledged(string reason) =>
        reason.StartsWith(PublishRefusedPrefix, StringComparison.Ordinal) || reason.StartsWith(AckTimeoutPrefix, StringComparison.Ordinal);

    // Socket errors (by SocketError name, as the client reports them) that say the path to the broker failed, not the
    // broker's MQTT: refused, reset or unreachable connections, a full port range or descriptor table.
    private static readonly string[] NetworkErrors =
    [
        "ConnectionRefused", "ConnectionReset", "ConnectionAborted", "NetworkUnreachable", "NetworkDown", "NetworkReset",
        "HostUnreachable", "HostDown", "TimedOut", "AddressAlreadyInUse", "AddressNotAvailable", "TooManyOpenSockets", "NoBufferSpaceAvailable",
    ];

    /// <summary>
    /// True for a failure of the network or of the connection limits rather than of the broker's MQTT: a connect or
    /// connection lost to a socket error such as <c>ConnectionRefused</c> or <c>ConnectionReset</c>. A CONNACK
    /// refusal or a CONNACK that never came is the broker's.
    /// </summary>
    public static bool IsNetwork(string reason) =>
        (reason.StartsWith(ConnectPrefix, StringComparison.Ordinal) || reason.StartsWith(ReconnectPrefix, StringComparison.Ordinal) ||
         reason.StartsWith(ReconnectFailedPrefix, StringComparison.Ordinal) || reason.StartsWith(ConnectionLostPrefix, StringComparison.Ordinal)) &&
        NetworkErrors.Any(e => reason.Contains(e, StringComparison.Ordinal));

    /// <summary>
    /// True for a close the generator made itself, because of what the broker did or did not do: a malformed packet,
    /// an overdue PINGRESP, an acknowledgement timeout under <c>on_ack_timeout: close</c>.
    /// </summary>
    public static bool IsClosedByGenerator(string reason) =>
        reason.StartsWith(ProtocolErrorPrefix, StringComparison.Ordinal) || reason.StartsWith(ConnectionLostPrefix + MqttClientCloseReasons.NoPingResp, StringComparison.Ordinal)
        || reason.StartsWith(ConnectionLostPrefix + MqttClientCloseReasons.AckTimeout, StringComparison.Ordinal);
}
