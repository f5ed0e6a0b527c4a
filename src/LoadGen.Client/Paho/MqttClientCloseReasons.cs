namespace LoadGen.Client;

/// <summary>
/// The words <see cref="MqttClient.LastCloseReason"/> starts with when the client closed a connection itself because
/// the broker went quiet, so callers can tell those closes from the broker's.
/// </summary>
public static class MqttClientCloseReasons
{
    /// <summary>A PINGREQ waited longer than the keep-alive period for its PINGRESP (§3.1.2.10).</summary>
    public const string NoPingResp = "no PINGRESP within the keep-alive period";

    /// <summary>An acknowledgement timed out under <see cref="AckTimeoutAction.Close"/>.</summary>
    public const string AckTimeout = "an acknowledgement did not come within";

    /// <summary>
    /// A socket read or write that failed, as <c>receive failed: ConnectionReset</c>: the socket error's name whichever
    /// loop model met it (a TLS or WebSocket stream wraps it in an <see cref="IOException"/>), so a run counts one
    /// reason per cause and the capacity verdict can tell the network's failures by name.
    /// </summary>
    public static string SocketFailure(string operation, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        System.Net.Sockets.SocketException? socket = exception as System.Net.Sockets.SocketException ?? exception.InnerException as System.Net.Sockets.SocketException;
        return $"{operation} failed: {(socket is not null ? socket.SocketErrorCode.ToString() : exception.Message)}";
    }
}
