namespace LoadGen.Protocol;

/// <summary>MQTT 5.0 §3.8.3.1 Retain Handling: when the server sends retained messages for a new subscription.</summary>
public enum MqttRetainHandling : byte
{
    /// <summary>Send retained messages at the time of the subscribe.</summary>
    SendAtSubscribe = 0,
    /// <summary>Send retained messages only if the subscription did not already exist.</summary>
    SendAtSubscribeIfNew = 1,
    /// <summary>Do not send retained messages.</summary>
    DoNotSend = 2,
}
