using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>How a session connects and behaves. Immutable; a pooled session is reset with a new instance.</summary>
public sealed record MqttSessionOptions
{
    /// <summary>MQTT 3.1.1 or 5.0.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V311;

    /// <summary>The client identifier.</summary>
    public string ClientId { get; init; } = "";

    /// <summary>Clean Session (3.1.1) / Clean Start (5.0).</summary>
    public bool CleanStart { get; init; } = true;

    /// <summary>Keep alive; zero turns PINGREQ off.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>MQTT 5.0 Session Expiry Interval in seconds (0: the session ends with the connection).</summary>
    public uint SessionExpirySeconds { get; init; }

    /// <summary>Outgoing QoS 1/2 messages allowed in flight; under 5.0 also capped by the server's Receive Maximum.</summary>
    public int InflightWindow { get; init; } = 16;

    /// <summary>When unacknowledged packets are resent.</summary>
    public ResendPolicy Resend { get; init; } = ResendPolicy.OnReconnect;

    /// <summary>Optional user name.</summary>
    public string? UserName { get; init; }

    /// <summary>Optional password.</summary>
    public byte[]? Password { get; init; }

    /// <summary>How long a QoS 1/2 handshake leg may wait for its acknowledgement; null waits for as long as the connection lasts.</summary>
    public TimeSpan? AckTimeout { get; init; }

    /// <summary>What follows an acknowledgement timeout.</summary>
    public AckTimeoutAction AckTimeoutAction { get; init; } = AckTimeoutAction.Abandon;

    /// <summary>The will message the broker publishes if the connection ends without DISCONNECT; null for none.</summary>
    public MqttWill? Will { get; init; }

    /// <summary>Largest packet accepted from the broker.</summary>
    public int MaximumPacketSize { get; init; } = MqttFrameScanner.MaximumPacketSize;

    /// <summary>
    /// MQTT 5.0 topic aliases (§3.3.2.3.4): each connection maps topics to aliases, up to the broker's Topic Alias
    /// Maximum, sending the topic with its alias the first time and the alias alone after that.
    /// </summary>
    public bool UseTopicAliases { get; init; }
}

/// <summary>
/// A will message (MQTT 3.1.1 §3.1.2.5, MQTT 5.0 §3.1.3.2): what the broker publishes for the client when its connection
/// ends without a DISCONNECT, such as a device losing power.
/// </summary>
/// <param name="Topic">The will topic, UTF-8.</param>
/// <param name="Payload">The will payload.</param>
/// <param name="QoS">The QoS it is published at.</param>
/// <param name="Retain">Published retained.</param>
/// <param name="DelaySeconds">MQTT 5.0 Will Delay Interval; 0 publishes at once (3.1.1 has no delay).</param>
public sealed record MqttWill(byte[] Topic, byte[] Payload, MqttQualityOfService QoS, bool Retain, uint DelaySeconds);
