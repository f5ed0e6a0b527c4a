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
}
