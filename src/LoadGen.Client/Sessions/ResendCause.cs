namespace LoadGen.Client;

/// <summary>Why a packet was sent again.</summary>
public enum ResendCause
{
    /// <summary>The retry interval passed without an acknowledgement (paho's message_retry).</summary>
    Interval,
    /// <summary>The connection was re-established with the session present (§4.4).</summary>
    Reconnect,
}
