namespace LoadGen.Client;

/// <summary>Paho's MQTT_ERR_* result codes, returned by the loop and request methods.</summary>
public enum MqttErrorCode
{
    /// <summary>MQTT_ERR_SUCCESS.</summary>
    Success = 0,
    /// <summary>MQTT_ERR_NOMEM.</summary>
    NoMemory = 1,
    /// <summary>MQTT_ERR_PROTOCOL: the broker broke the protocol; the connection was closed.</summary>
    Protocol = 2,
    /// <summary>MQTT_ERR_INVAL: an invalid argument.</summary>
    Invalid = 3,
    /// <summary>MQTT_ERR_NO_CONN: not connected.</summary>
    NoConnection = 4,
    /// <summary>MQTT_ERR_CONN_REFUSED: CONNACK refused the connection.</summary>
    ConnectionRefused = 5,
    /// <summary>MQTT_ERR_NOT_FOUND.</summary>
    NotFound = 6,
    /// <summary>MQTT_ERR_CONN_LOST: the connection dropped.</summary>
    ConnectionLost = 7,
    /// <summary>MQTT_ERR_TLS.</summary>
    Tls = 8,
    /// <summary>MQTT_ERR_PAYLOAD_SIZE: the payload is too large.</summary>
    PayloadSize = 9,
    /// <summary>MQTT_ERR_NOT_SUPPORTED.</summary>
    NotSupported = 10,
    /// <summary>MQTT_ERR_AUTH.</summary>
    Auth = 11,
    /// <summary>MQTT_ERR_ACL_DENIED.</summary>
    AclDenied = 12,
    /// <summary>MQTT_ERR_UNKNOWN.</summary>
    Unknown = 13,
    /// <summary>MQTT_ERR_ERRNO: a socket error.</summary>
    Errno = 14,
    /// <summary>MQTT_ERR_QUEUE_SIZE: the in-flight window is full.</summary>
    QueueSize = 15,
    /// <summary>MQTT_ERR_KEEPALIVE: no PINGRESP within the keep-alive period.</summary>
    KeepAlive = 16,
}
