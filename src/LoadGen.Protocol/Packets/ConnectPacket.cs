using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>
/// CONNECT (MQTT 3.1.1 §3.1, MQTT 5.0 §3.1): the client's opening packet, with optional will message, user name and
/// password. Setting <see cref="UserName"/>, <see cref="Password"/> or <see cref="WillTopic"/> also sets the matching
/// presence flag, so an empty user name can still be sent.
/// </summary>
public readonly struct ConnectPacket
{
    private readonly ReadOnlySequence<byte> _userName;
    private readonly ReadOnlySequence<byte> _password;
    private readonly ReadOnlySequence<byte> _willTopic;

    /// <summary>The protocol level (4 for 3.1.1, 5 for 5.0).</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; }

    /// <summary>The client identifier, UTF-8; may be empty (§3.1.3.1).</summary>
    public ReadOnlySequence<byte> ClientId { get; init; }

    /// <summary>Clean Session (3.1.1) or Clean Start (5.0).</summary>
    public bool CleanStart { get; init; }

    /// <summary>Keep alive in seconds; 0 turns it off.</summary>
    public ushort KeepAlive { get; init; }

    /// <summary>MQTT 5.0 CONNECT properties.</summary>
    public MqttProperties Properties { get; init; }

    /// <summary>True when the User Name flag is set.</summary>
    public bool HasUserName { get; init; }

    /// <summary>The user name, UTF-8.</summary>
    public ReadOnlySequence<byte> UserName { get => _userName; init { _userName = value; HasUserName = true; } }

    /// <summary>True when the Password flag is set.</summary>
    public bool HasPassword { get; init; }

    /// <summary>The password, binary data.</summary>
    public ReadOnlySequence<byte> Password { get => _password; init { _password = value; HasPassword = true; } }

    /// <summary>True when the Will Flag is set.</summary>
    public bool HasWill { get; init; }

    /// <summary>The will topic, UTF-8.</summary>
    public ReadOnlySequence<byte> WillTopic { get => _willTopic; init { _willTopic = value; HasWill = true; } }

    /// <summary>The will message payload.</summary>
    public ReadOnlySequence<byte> WillPayload { get; init; }

    /// <summary>The will QoS.</summary>
    public MqttQualityOfService WillQoS { get; init; }

    /// <summary>The will RETAIN flag.</summary>
    public bool WillRetain { get; init; }

    /// <summary>MQTT 5.0 will properties (§3.1.3.2).</summary>
    public MqttProperties WillProperties { get; init; }
}
