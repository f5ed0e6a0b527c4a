using System.Buffers;
using LoadGen.Protocol;

namespace LoadGen.Client;

public sealed partial class MqttSession
{
    // Sender side, as the seed describes it.
    //
    // QoS 0: one PUBLISH; nothing stored; complete once written.
    //
    // QoS 1: 1. send PUBLISH, wait for PUBACK. 2. on PUBACK, report completion and delete the message. 3./4. with no
    //        PUBACK, resend with DUP=1 (on reconnect, or on the retry interval where allowed) until it comes.
    //
    // QoS 2 (the seed's nine steps, sender's part):
    //   1. send PUBLISH, wait for PUBREC;             (2. the receiver sends PUBREC)
    //   3. no PUBREC: resend PUBLISH with DUP=1;
    //   4. on PUBREC: send PUBREL; the message itself may now be dropped, only its state is kept;
    //                                                 (5.-7. the receiver resends PUBREC if PUBREL is lost, forwards
    //                                                  the message on PUBREL, and answers PUBCOMP)
    //   8. no PUBCOMP: resend PUBREL;
    //   9. on PUBCOMP: the flow is complete; delete the message state.

    /// <summary>
    /// Publishes a message (paho's publish). QoS 0 is written and reported complete at once. QoS 1 and 2 take a slot in
    /// the in-flight window; the topic and payload memory is referenced until <see cref="IMqttSessionEvents.OnPublishCompleted"/>.
    /// </summary>
    /// <param name="output">Where the PUBLISH is written.</param>
    /// <param name="topic">The topic name, UTF-8.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="qos">The QoS level.</param>
    /// <param name="retain">The RETAIN flag.</param>
    /// <param name="now">The send time, <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
    /// <param name="packetId">The packet identifier taken, 0 for QoS 0.</param>
    /// <param name="properties">Encoded MQTT 5.0 PUBLISH properties (no Topic Alias: the session adds its own), kept
    /// like the payload until the completion.</param>
    /// <returns>False when the in-flight window is full and nothing was written.</returns>
    public bool Publish(IBufferWriter<byte> output, ReadOnlyMemory<byte> topic, ReadOnlyMemory<byte> payload,
        MqttQualityOfService qos, bool retain, long now, out ushort packetId, ReadOnlyMemory<byte> properties = default)
    {
        var encoded = new MqttProperties(new ReadOnlySequence<byte>(properties));
        if (qos == MqttQualityOfService.AtMostOnce)
        {
            packetId = 0;
            ushort alias0 = TopicAliasFor(topic, out bool known0);
            PublishBytesSent += Sent(MqttEncoder.WritePublish(output, known0 ? default : topic.Span, payload.Span, qos, 0,
                _options.ProtocolVersion, retain, false, encoded, alias0), now);
            _events.OnPublishCompleted(new PublishCompletion(0, qos, now, 0, 0, now, 0, MqttReasonCode.Success));
            return true;
        }

        if (!_inflight.TryAdd(out packetId, out int slot))
        {
            return false;
        }

        ref OutboundMessage message = ref _inflight[slot];
        message.State = qos == MqttQualityOfService.AtLeastOnce ? OutboundState.AwaitingPubAck : OutboundState.AwaitingPubRec;
        message.QoS = qos;
        message.Retain = retain;
        message.Topic = topic;
        message.Payload = payload;
        message.Properties = properties;
        message.FirstSentTicks = now;
        message.LastSentTicks = now;
        ushort alias = TopicAliasFor(topic, out bool known);
        PublishBytesSent += Sent(MqttEncoder.WritePublish(output, known ? default : topic.Span, payload.Span, qos, packetId,
            _options.ProtocolVersion, retain, false, encoded, alias), now);
        return true;
    }

    // Mapped before on this connection: the alias alone (known); newly mapped: topic and alias; none free: topic alone (0).
    // Only called once the PUBLISH is certain to be written, or the broker would miss a mapping the session counts on.
    private ushort TopicAliasFor(ReadOnlyMemory<byte> topic, out bool known)
    {
        known = false;
        return _topicAliases is null ? (ushort)0 : _topicAliases.Find(topic, out known);
    }

    /// <summary>Bytes of first PUBLISH packets written (resends not included), across connections: with the count of
    /// messages, the bytes a message takes on the wire, and what topic aliases save.</summary>
    public long PublishBytesSent { get; private set; }

    /// <summary>PUBLISH packets sent with an alias in place of the topic name, across connections.</summary>
    public long AliasedPublishes => _topicAliases?.Hits ?? 0;

    /// <summary>PUBACK, PUBREC and PUBCOMP packets for a packet identifier with nothing in flight, across connections.</summary>
    public long UnexpectedAcknowledgements { get; private set; }

    private void HandleOutboundAck(in AckPacket ack, IBufferWriter<byte> output, long now)
    {
        int slot = _inflight.Find(ack.PacketId);
        if (slot < 0)
        {
            // A late acknowledgement for a message already completed (a resend crossed the original ack), or one for
            // an identifier never used: counted, so a broker that acknowledges what it never got shows in results.
            UnexpectedAcknowledgements++;
            _events.OnLog(MqttLogLevel.Notice, $"{ack.Type} for packet identifier {ack.PacketId}, which is not in flight.");
            if (ack.Type == MqttPacketType.PubRec)
            {
                // §4.3.3: answer PUBREC with PUBREL regardless, so the broker can finish its side.
                Sent(MqttEncoder.WriteAck(output, new AckPacket
                {
                    Type = MqttPacketType.PubRel,
                    PacketId = ack.PacketId,
                    ReasonCode = _options.ProtocolVersion == MqttProtocolVersion.V500 ? MqttReasonCode.PacketIdentifierNotFound : 0,
                }, _options.ProtocolVersion), now);
            }

            return;
        }

        ref OutboundMessage message = ref _inflight[slot];
        switch (ack.Type, message.State)
        {
            case (MqttPacketType.PubAck, OutboundState.AwaitingPubAck):
            case (MqttPacketType.PubComp, OutboundState.AwaitingPubComp):
                Complete(slot, ack.ReasonCode, now);
                break;
            case (MqttPacketType.PubRec, OutboundState.AwaitingPubRec):
                if ((byte)ack.ReasonCode >= 0x80)
                {
                    // §4.3.3: a failure PUBREC ends the flow; no PUBREL follows.
                    Complete(slot, ack.ReasonCode, now);
                    break;
                }

                message.PubRecTicks = now;
                message.State = OutboundState.AwaitingPubComp;
                message.Topic = default;
                message.Payload = default;
                message.Properties = default;
                message.PubRelSentTicks = now;
                message.LastSentTicks = now;
                Sent(MqttEncoder.WriteAck(output, MqttPacketType.PubRel, ack.PacketId), now);
                break;
            case (MqttPacketType.PubRec, OutboundState.AwaitingPubComp):
                // The broker repeated PUBREC: our PUBREL was lost or is crossing it. Send PUBREL again.
                Resends.Add(ResendCounters.Kind.PubRel, ResendCause.Interval);
                message.Resends++;
                message.LastSentTicks = now;
                Sent(MqttEncoder.WriteAck(output, MqttPacketType.PubRel, ack.PacketId), now);
                break;
            default:
                throw new MqttProtocolException(MqttReasonCode.ProtocolError, MqttViolation.UnexpectedAcknowledgement,
                    $"{ack.Type} for packet identifier {ack.PacketId}, which is waiting for {message.State}.");
        }
    }

    private void Complete(int slot, MqttReasonCode reason, long now, bool discarded = false, bool timedOut = false)
    {
        ref OutboundMessage m = ref _inflight[slot];
        var completion = new PublishCompletion(m.PacketId, m.QoS, m.FirstSentTicks, m.PubRecTicks, m.PubRelSentTicks, now,
            m.Resends, reason) { Discarded = discarded, TimedOut = timedOut };
        _inflight.Remove(slot);
        _events.OnPublishCompleted(completion);
    }

    private void AbandonInFlight(long now)
    {
        Span<int> slots = _inflight.Capacity <= 1024 ? stackalloc int[_inflight.Capacity] : new int[_inflight.Capacity];
        int count = _inflight.CopyInFlightOrder(slots);
        for (int i = 0; i < count; i++)
        {
            Complete(slots[i], MqttReasonCode.UnspecifiedError, now, discarded: true);
        }
    }
}
