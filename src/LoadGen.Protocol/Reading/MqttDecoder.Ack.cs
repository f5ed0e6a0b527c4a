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
