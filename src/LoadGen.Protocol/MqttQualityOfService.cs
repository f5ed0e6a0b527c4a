namespace LoadGen.Protocol;

/// <summary>Delivery guarantee of a PUBLISH (MQTT 5.0 §4.3).</summary>
public enum MqttQualityOfService : byte
{
    /// <summary>At most once: one PUBLISH, nothing stored.</summary>
    AtMostOnce = 0,
    /// <summary>At least once: PUBLISH then PUBACK.</summary>
    AtLeastOnce = 1,
    /// <summary>Exactly once: PUBLISH, PUBREC, PUBREL, PUBCOMP.</summary>
    ExactlyOnce = 2,
}
