namespace LoadGen.Testing;

/// <summary>
/// What a <see cref="MisbehavingBroker"/> does wrong. Every default is the well-behaved choice, so
/// <c>new BrokerScript()</c> is a small correct broker and each property set breaks one thing.
/// </summary>
internal sealed record BrokerScript
{
    /// <summary>A broker that does everything right.</summary>
    public static BrokerScript WellBehaved { get; } = new();

    /// <summary>Accept CONNECT and SUBSCRIBE but never send PUBACK, PUBREC or PUBCOMP.</summary>
    public bool NeverAck { get; init; }

    /// <summary>Forward each PUBLISH to the sessions whose subscriptions match it.</summary>
    public bool RouteMessages { get; init; } = true;

    /// <summary>Read PINGREQ and never answer it, so a client's keep-alive runs out.</summary>
    public bool NeverPingResp { get; init; }

    /// <summary>Read CONNECT and never answer it; the socket stays open until the broker is disposed.</summary>
    public bool NeverConnack { get; init; }

    /// <summary>Read CONNECT, then close the socket without a CONNACK.</summary>
    public bool CloseBeforeConnack { get; init; }

    /// <summary>Refuse every CONNECT with this CONNACK code (5 = 3.1.1 "not authorized", 0x87 in 5.0), then close.</summary>
    public int? ConnackCode { get; init; }

    /// <summary>Answer every CONNECT with a 3.1.1 CONNACK (remaining length 2), even when the client speaks 5.0.</summary>
    public bool ConnackAs311 { get; init; }

    /// <summary>Close the connection on its Nth packet (CONNECT is the first); that packet is counted but not answered.</summary>
    public int? CloseAfterPackets { get; init; }

    /// <summary>5.0 only: the reason code in PUBACK (QoS 1) or PUBREC (QoS 2); 0x80 and above ends the flow undelivered.</summary>
    public int? PublishReasonCode { get; init; }

    /// <summary>Apply <see cref="PublishReasonCode"/> only to publishes of this QoS.</summary>
    public int? PublishReasonQos { get; init; }

    /// <summary>A malformed packet sent once, after CONNACK; nothing follows one that breaks the framing (see <see cref="GarbageKind"/>).</summary>
    public GarbageKind Garbage { get; init; }

    /// <summary>Send <see cref="Garbage"/> after the first PUBLISH has been answered instead of right after CONNACK.</summary>
    public bool GarbageAfterFirstPublish { get; init; }

    /// <summary>After CONNACK, send this many acknowledgements, PUBACK and PUBCOMP in turn, for ids 60000 and up that the client never used.</summary>
    public int UnsolicitedAcks { get; init; }

    /// <summary>SUBACK grants at most this QoS per filter.</summary>
    public int? GrantedQos { get; init; }

    /// <summary>SUBACK refuses every filter with 0x80.</summary>
    public bool SubackFailure { get; init; }

    /// <summary>Forward at min(this, published QoS), ignoring the QoS the subscription was granted.</summary>
    public int? DeliverQos { get; init; }

    /// <summary>5.0 CONNACK Maximum Packet Size (property 0x27).</summary>
    public uint? MaximumPacketSize { get; init; }

    /// <summary>5.0 CONNACK Receive Maximum (property 0x21).</summary>
    public ushort? ReceiveMaximum { get; init; }

    /// <summary>5.0 CONNACK Topic Alias Maximum (property 0x22).</summary>
    public ushort? TopicAliasMaximum { get; init; }

    /// <summary>5.0 CONNACK Maximum QoS (property 0x24); SUBACK grants no more than this either.</summary>
    public byte? MaximumQos { get; init; }

    /// <summary>5.0 CONNACK Retain Available (property 0x25).</summary>
    public bool? RetainAvailable { get; init; }

    /// <summary>5.0 CONNACK Server Keep Alive in seconds (property 0x13).</summary>
    public ushort? ServerKeepAlive { get; init; }

    /// <summary>5.0 CONNACK Assigned Client Identifier (property 0x12) for a client that sent an empty id; one is made up when null.</summary>
    public string? AssignedClientIdentifier { get; init; }

    /// <summary>Send an Assigned Client Identifier even to a client that chose its own id.</summary>
    public bool AlwaysAssignClientId { get; init; }

    /// <summary>Disconnect clients that break a limit set above (DISCONNECT 0x95, 0x9B, 0x9A, 0x93, 0x94); 3.1.1 clients are just closed.</summary>
    public bool EnforceLimits { get; init; } = true;

    /// <summary>On the Nth PUBLISH of a connection, leave it unanswered and send DISCONNECT with <see cref="DisconnectReason"/> (3.1.1: close).</summary>
    public int? DisconnectAfterPublishes { get; init; }

    /// <summary>The reason code of the DISCONNECT that <see cref="DisconnectAfterPublishes"/> sends; 0x89 is "Server busy".</summary>
    public byte DisconnectReason { get; init; } = 0x89;

    /// <summary>Acknowledge QoS 1 and 2 publishes at most this many per second across the broker, in arrival order.</summary>
    public double? AcksPerSecond { get; init; }

    /// <summary>Delay every PUBACK, PUBREC and PUBCOMP by this much.</summary>
    public TimeSpan? AckDelay { get; init; }
}

/// <summary>The malformed packet <see cref="BrokerScript.Garbage"/> sends.</summary>
internal enum GarbageKind
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>A packet of reserved type 0: <c>00 00</c> (MQTT 5.0 §2.1.2).</summary>
    ReservedType,

    /// <summary>A PUBACK with flags 2, which must be 0: <c>42 02 00 01</c> (§2.1.3).</summary>
    BadFlags,

    /// <summary>A PUBLISH header announcing 268,435,455 bytes, <c>30 FF FF FF 7F</c>, and then nothing more.</summary>
    OversizedRemainingLength,

    /// <summary>The same header followed by bytes as fast as the client takes them, up to 2 GiB.</summary>
    EndlessPayload,

    /// <summary>A remaining length with a fifth byte, <c>30 FF FF FF FF 01</c> (§1.5.5 allows four).</summary>
    MalformedRemainingLength,
}
