using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// What a finished outgoing publish reports: which message, how its handshake went, and when each leg happened
/// (Stopwatch ticks). For QoS 1 the legs are PUBLISH→PUBACK; for QoS 2, PUBLISH→PUBREC and PUBREL→PUBCOMP. A QoS 0
/// message completes when it has been written.
/// </summary>
public readonly record struct PublishCompletion(
    ushort PacketId,
    MqttQualityOfService QoS,
    long FirstSentTicks,
    long PubRecTicks,
    long PubRelSentTicks,
    long CompletedTicks,
    int Resends,
    MqttReasonCode ReasonCode)
{
    /// <summary>True when the broker accepted the message (reason code below 0x80).</summary>
    public bool Succeeded => (byte)ReasonCode < 0x80;
}
