namespace LoadGen.Client;

/// <summary>Paho's log levels (MQTT_LOG_INFO, MQTT_LOG_NOTICE, MQTT_LOG_WARNING, MQTT_LOG_ERR, MQTT_LOG_DEBUG).</summary>
public enum MqttLogLevel
{
    /// <summary>MQTT_LOG_DEBUG.</summary>
    Debug,
    /// <summary>MQTT_LOG_INFO.</summary>
    Info,
    /// <summary>MQTT_LOG_NOTICE.</summary>
    Notice,
    /// <summary>MQTT_LOG_WARNING.</summary>
    Warning,
    /// <summary>MQTT_LOG_ERR.</summary>
    Error,
}
