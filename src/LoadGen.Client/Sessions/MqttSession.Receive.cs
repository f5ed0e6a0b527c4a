using System.Buffers;
using LoadGen.Protocol;

namespace LoadGen.Client;

public sealed partial class MqttSession
{
    // Receiver side.
    //
    // QoS 0: deliver; nothing is sent back.
    // QoS 1: deliver, then PUBACK. A resent PUBLISH (DUP=1) is delivered again: "at least once".
    // QoS 2 (the seed's steps 2, 5, 6, 7): on PUBLISH, hold the message and send PUBREC; a repeated PUBLISH with the
    //        same identifier gets PUBREC again and is not held twice; on PUBREL, forward the held message once,
    //        forget it, and send PUBCOMP. A PUBREL for an identifier we do not hold still gets PUBCOMP, so the
    //        sender can finish (§4.3.3).

    // Created on the first incoming QoS 2 message: most simulated sessions only publish, and at 100k sessions an
    // empty dictionary each is 8 MB.
    private Dictionary<ushort, HeldMessage>? _held;

    /// <summary>Incoming QoS 2 messages received but not yet released by PUBREL.</summary>
    public int HeldMessageCount => _held?.Count ?? 0;

    private void HandlePublish(in PublishPacket packet, IBufferWriter<byte> output, long now)
    {
        switch (packet.QoS)
        {
            case MqttQualityOfService.AtMostOnce:
                _events.OnMessage(packet);
                break;
            case MqttQualityOfService.AtLeastOnce:
                _events.OnMessage(packet);
                Sent(MqttEncoder.WriteAck(output, MqttPacketType.PubAck, packet.PacketId), now);
                break;
            default:
                _held ??= new Dictionary<ushort, HeldMessage>();
                if (_held.TryGetValue(packet.PacketId, out HeldMessage held))
                {
                    // The sender did not see our PUBREC and sent the PUBLISH again: acknowledge, do not hold twice.
                    Resends.Add(ResendCounters.Kind.PubRec,
                        held.ConnectionEpoch == _connectionEpoch ? ResendCause.Interval : ResendCause.Reconnect);
                }
                else
                {
                    _held.Add(packet.PacketId, HeldMessage.Copy(packet, _connectionEpoch));
                }

                Sent(MqttEncoder.WriteAck(output, MqttPacketType.PubRec, packet.PacketId), now);
                break;
        }
    }

    private void HandlePubRel(in AckPacket pubRel, IBufferWriter<byte> output, long now)
    {
        MqttReasonCode reason = MqttReasonCode.Success;
        if (_held is not null && _held.Remove(pubRel.PacketId, out HeldMessage held))
        {
            try
            {
                _events.OnMessage(held.ToPacket(pubRel.PacketId));
            }
            finally
            {
                held.Release();
            }
        }
        else if (_options.ProtocolVersion == MqttProtocolVersion.V500)
        {
            reason = MqttReasonCode.PacketIdentifierNotFound;
        }

        Sent(MqttEncoder.WriteAck(output, new AckPacket
        {
            Type = MqttPacketType.PubComp, PacketId = pubRel.PacketId, ReasonCode = reason,
        }, _options.ProtocolVersion), now);
    }

    private void ReleaseHeldMessages()
    {
        if (_held is null)
        {
            return;
        }

        foreach (HeldMessage held in _held.Values)
        {
            held.Release();
        }

        _held.Clear();
    }
}
