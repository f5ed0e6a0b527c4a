namespace LoadGen.Client;

/// <summary>
/// When unacknowledged packets are sent again. The specifications allow one moment: on reconnect with the session
/// present (MQTT 3.1.1 §4.4, MQTT 5.0 §4.4). Paho also retries on a timer; MQTT 5.0 forbids that ("Clients and
/// Servers MUST NOT resend messages at any other time", [MQTT-4.4.0-1]), so under 5.0 it needs an explicit opt-in.
/// </summary>
public sealed record ResendPolicy
{
    /// <summary>The specification's policy: resend only on reconnect.</summary>
    public static ResendPolicy OnReconnect { get; } = new();

    /// <summary>Paho-style: also resend whatever has waited longer than <paramref name="interval"/>.</summary>
    public static ResendPolicy Interval(TimeSpan interval, bool allowUnderVersion5 = false) =>
        new() { RetryInterval = interval, AllowIntervalRetryUnderVersion5 = allowUnderVersion5 };

    /// <summary>The retry interval, or null for reconnect-only.</summary>
    public TimeSpan? RetryInterval { get; init; }

    /// <summary>Opt-in to interval retries on an MQTT 5.0 connection, against [MQTT-4.4.0-1].</summary>
    public bool AllowIntervalRetryUnderVersion5 { get; init; }
}
