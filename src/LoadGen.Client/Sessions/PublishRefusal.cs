namespace LoadGen.Client;

/// <summary>Why a PUBLISH was not sent: the broker's CONNACK said it would not take it (MQTT 5.0 §3.2.2.3).</summary>
public enum PublishRefusal
{
    /// <summary>Larger than the broker's Maximum Packet Size.</summary>
    PacketTooLarge,

    /// <summary>A QoS above the broker's Maximum QoS.</summary>
    QosNotSupported,

    /// <summary>Retained, and the broker has Retain Available 0.</summary>
    RetainNotSupported,
}
