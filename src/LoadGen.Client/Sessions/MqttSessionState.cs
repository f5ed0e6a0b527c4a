namespace LoadGen.Client;

/// <summary>The connection state of a <see cref="MqttSession"/>.</summary>
public enum MqttSessionState
{
    /// <summary>No connection; in-flight messages are kept for a persistent session.</summary>
    Disconnected,
    /// <summary>CONNECT written, waiting for CONNACK.</summary>
    Connecting,
    /// <summary>CONNACK accepted.</summary>
    Connected,
}
