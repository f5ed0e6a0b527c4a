namespace LoadGen.Client;

/// <summary>
/// What a session does when a QoS 1/2 handshake leg (PUBLISH→PUBACK, PUBLISH→PUBREC, PUBREL→PUBCOMP) waited longer
/// than <see cref="MqttSessionOptions.AckTimeout"/>. Each timeout is counted by leg whatever follows.
/// </summary>
public enum AckTimeoutAction
{
    /// <summary>Give the message up: it completes as timed out and frees its place in the window.</summary>
    Abandon,

    /// <summary>Send the leg again (PUBLISH with DUP=1, or PUBREL) and keep waiting.</summary>
    Resend,

    /// <summary>Close the connection; a session that reconnects with the session present resends in order (§4.4).</summary>
    Close,
}
