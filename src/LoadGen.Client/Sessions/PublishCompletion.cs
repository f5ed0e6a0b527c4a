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
    public bool Succeeded => (byte)ReasonCode < 0x80 && !Discarded && !TimedOut;

    /// <summary>True when the message was given up because its acknowledgement did not come in time (<see cref="AckTimeoutAction.Abandon"/>).</summary>
    public bool TimedOut { get; init; }

    /// <summary>The leg that was waiting when the message ended unfinished: <c>PUBACK</c>, <c>PUBREC</c> or <c>PUBCOMP</c>.</summary>
    public string WaitingFor => QoS == MqttQualityOfService.AtLeastOnce ? "PUBACK" : PubRecTicks == 0 ? "PUBREC" : "PUBCOMP";

    /// <summary>
    /// True when the message never finished because the broker kept no session across a reconnect (session present
    /// 0, [MQTT-3.2.2-5]): the client discarded it, as the protocol says; the broker did not refuse it.
    /// </summary>
    public bool Discarded { get; init; }
}
