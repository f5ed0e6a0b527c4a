namespace LoadGen.Protocol;

/// <summary>Where a property block sits, which decides the properties allowed in it (MQTT 5.0 §2.2.2.2).</summary>
public enum MqttPropertyContext : byte
{
    /// <summary>CONNECT properties (§3.1.2.11).</summary>
    Connect,
    /// <summary>Will properties in the CONNECT payload (§3.1.3.2).</summary>
    Will,
    /// <summary>CONNACK properties (§3.2.2.3).</summary>
    ConnAck,
    /// <summary>PUBLISH properties (§3.3.2.3).</summary>
    Publish,
    /// <summary>PUBACK, PUBREC, PUBREL and PUBCOMP properties (§3.4.2.2 to §3.7.2.2).</summary>
    PublishAcknowledgement,
    /// <summary>SUBSCRIBE properties (§3.8.2.1).</summary>
    Subscribe,
    /// <summary>SUBACK properties (§3.9.2.1).</summary>
    SubAck,
    /// <summary>UNSUBSCRIBE properties (§3.10.2.1).</summary>
    Unsubscribe,
    /// <summary>UNSUBACK properties (§3.11.2.1).</summary>
    UnsubAck,
    /// <summary>DISCONNECT properties (§3.14.2.2).</summary>
    Disconnect,
    /// <summary>AUTH properties (§3.15.2.2).</summary>
    Auth,
}
