using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

public static partial class MqttDecoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.4 to §3.7 / MQTT 5.0 §3.4 to §3.7: PUBACK, PUBREC, PUBREL, PUBCOMP. A packet identifier; under
    /// 5.0 also a reason code (absent means Success, remaining length 2) and properties (absent when the remaining
    /// length is below 4).
    /// </summary>
    public static AckPacket DecodeAck(in MqttFrame frame, MqttProtocolVersion version)
    {
        MqttPacketType type = frame.Type;
        if (type is < MqttPacketType.PubAck or > MqttPacketType.PubComp)
        {
            WrongType(frame, MqttPacketType.PubAck);
        }

        // The common forms, from one array: identifier only (remaining length 2), or identifier and reason code (3).
        if (frame.RemainingLength is 2 or 3 && frame.TryGetArrayBody(out ArrayBackedBody body))
        {
            ReadOnlySpan<byte> span = body.Span;
            ushort id = (ushort)(span[0] << 8 | span[1]);
            if (id == 0)
            {
                MqttProtocolException.ZeroPacketIdentifier(type);
            }

            if (frame.RemainingLength == 2)
            {
                return new AckPacket { Type = type, PacketId = id };
            }

            if (version != MqttProtocolVersion.V500)
            {
                MqttProtocolException.TrailingBytes(type, 1);
            }

            CheckReasonCode(span[2],
                type is MqttPacketType.PubAck or MqttPacketType.PubRec ? ReasonCodeSet.PubAckOrPubRec : ReasonCodeSet.PubRelOrPubComp,
                type);
            return new AckPacket { Type = type, PacketId = id, ReasonCode = (MqttReasonCode)span[2] };
        }

        return DecodeAckGeneral(frame, type, version);
    }

    // Everything else: properties, or a body that is not one array. Out of line so the fast path above does not pay
    // for the general reader's prologue.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static AckPacket DecodeAckGeneral(in MqttFrame frame, MqttPacketType type, MqttProtocolVersion version)
    {
        var reader = new MqttReader(frame.Body);
        ushort packetId = ReadPacketId(ref reader, type);
        byte reason = 0;
        MqttProperties properties = default;
        if (version == MqttProtocolVersion.V500 && !reader.End)
        {
            reason = reader.ReadByte("reason code");
            CheckReasonCode(reason,
                type is MqttPacketType.PubAck or MqttPacketType.PubRec ? ReasonCodeSet.PubAckOrPubRec : ReasonCodeSet.PubRelOrPubComp,
                type);
            if (!reader.End)
            {
                properties = ReadProperties(ref reader, MqttPropertyContext.PublishAcknowledgement);
            }
        }

        reader.EnsureEnd(type);
        return new AckPacket { Type = type, PacketId = packetId, ReasonCode = (MqttReasonCode)reason, Properties = properties };
    }
}
