namespace LoadGen.Engine;

/// <summary>The handshake legs and events LoadGen times, each in its own histogram.</summary>
public enum LatencyMetric
{
    /// <summary>TCP connect plus CONNECT → CONNACK.</summary>
    Connect,
    /// <summary>SUBSCRIBE → SUBACK.</summary>
    SubAck,
    /// <summary>QoS 0: the PUBLISH written.</summary>
    QoS0Write,
    /// <summary>QoS 1: PUBLISH → PUBACK.</summary>
    QoS1PubAck,
    /// <summary>QoS 2, first leg: PUBLISH → PUBREC.</summary>
    QoS2PubRec,
    /// <summary>QoS 2, second leg: PUBREL → PUBCOMP.</summary>
    QoS2PubComp,
    /// <summary>QoS 2, the whole flow: PUBLISH → PUBCOMP.</summary>
    QoS2Flow,
    /// <summary>Publish → delivery to a subscriber, from the timestamp carried in the payload.</summary>
    EndToEnd,
    /// <summary>Generator lag: how late, against the schedule, the generator itself sent an open-model message.</summary>
    GeneratorLag,

    /// <summary>TLS handshake (<c>mqtts://</c>, <c>wss://</c>): from the TCP connection being up to the handshake's end.</summary>
    TlsHandshake,
    /// <summary>A will: from the moment the run aborted its session to the will's delivery to a subscriber.</summary>
    Will,
    /// <summary>An offline queue's drain: from a subscriber's return to the last message queued for it arriving.</summary>
    Drain,

    /// <summary>Request/response round trip: a requester's request published → its response delivered back.</summary>
    Rpc,
}
