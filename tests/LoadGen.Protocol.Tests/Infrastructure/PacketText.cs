using System.Buffers;
using System.Text;

namespace LoadGen.Protocol.Tests;

/// <summary>
/// Decodes a frame and describes every field in one canonical line, so a test can state the whole expected packet
/// as a string and compare it across buffer layouts, protocol versions and codecs.
/// </summary>
internal static class PacketText
{
    public static string Describe(in MqttFrame frame, MqttProtocolVersion version)
    {
        switch (frame.Type)
        {
            case MqttPacketType.Connect:
                ConnectPacket c = MqttDecoder.DecodeConnect(frame);
                var sb = new StringBuilder($"CONNECT v={(int)c.ProtocolVersion} id={Wire.Utf8(c.ClientId)} clean={c.CleanStart} ka={c.KeepAlive}{Props(c.Properties)}");
                if (c.HasWill)
                {
                    sb.Append($" will={Wire.Utf8(c.WillTopic)}:{Hex(c.WillPayload)} wqos={(int)c.WillQoS} wretain={c.WillRetain}{Props(c.WillProperties, "wprops")}");
                }

                if (c.HasUserName)
                {
                    sb.Append($" user={Wire.Utf8(c.UserName)}");
                }

                if (c.HasPassword)
                {
                    sb.Append($" pass={Hex(c.Password)}");
                }

                return sb.ToString();
            case MqttPacketType.ConnAck:
                ConnAckPacket ca = MqttDecoder.DecodeConnAck(frame, version);
                return $"CONNACK sp={ca.SessionPresent} code={ca.Code}{Props(ca.Properties)}";
            case MqttPacketType.Publish:
                PublishPacket p = MqttDecoder.DecodePublish(frame, version);
                return $"PUBLISH qos={(int)p.QoS} id={p.PacketId} dup={p.Dup} retain={p.Retain} topic={Wire.Utf8(p.Topic)} payload={Hex(p.Payload)}{Props(p.Properties)}";
            case MqttPacketType.PubAck:
            case MqttPacketType.PubRec:
            case MqttPacketType.PubRel:
            case MqttPacketType.PubComp:
                AckPacket a = MqttDecoder.DecodeAck(frame, version);
                return $"{a.Type.ToString().ToUpperInvariant()} id={a.PacketId} rc={(byte)a.ReasonCode}{Props(a.Properties)}";
            case MqttPacketType.Subscribe:
                SubscribePacket s = MqttDecoder.DecodeSubscribe(frame, version);
                var subs = new List<string>();
                foreach (MqttSubscription sub in s.Subscriptions)
                {
                    subs.Add($"{Wire.Utf8(sub.TopicFilter)}@{sub.Options:X2}");
                }

                return $"SUBSCRIBE id={s.PacketId} [{string.Join(",", subs)}]{Props(s.Properties)}";
            case MqttPacketType.SubAck:
                SubAckPacket sa = MqttDecoder.DecodeSubAck(frame, version);
                return $"SUBACK id={sa.PacketId} codes={Hex(sa.ReasonCodes)}{Props(sa.Properties)}";
            case MqttPacketType.Unsubscribe:
                UnsubscribePacket u = MqttDecoder.DecodeUnsubscribe(frame, version);
                var filters = new List<string>();
                foreach (ReadOnlySequence<byte> f in u.TopicFilters)
                {
                    filters.Add(Wire.Utf8(f));
                }

                return $"UNSUBSCRIBE id={u.PacketId} [{string.Join(",", filters)}]{Props(u.Properties)}";
            case MqttPacketType.UnsubAck:
                UnsubAckPacket ua = MqttDecoder.DecodeUnsubAck(frame, version);
                return $"UNSUBACK id={ua.PacketId} codes={Hex(ua.ReasonCodes)}{Props(ua.Properties)}";
            case MqttPacketType.PingReq:
                MqttDecoder.DecodePing(frame);
                return "PINGREQ";
            case MqttPacketType.PingResp:
                MqttDecoder.DecodePing(frame);
                return "PINGRESP";
            case MqttPacketType.Disconnect:
                DisconnectPacket d = MqttDecoder.DecodeDisconnect(frame, version);
                return $"DISCONNECT rc={(byte)d.ReasonCode}{Props(d.Properties)}";
            case MqttPacketType.Auth:
                AuthPacket au = MqttDecoder.DecodeAuth(frame, version);
                return $"AUTH rc={(byte)au.ReasonCode}{Props(au.Properties)}";
            default:
                throw new InvalidOperationException(frame.Type.ToString());
        }
    }

    public static string Describe(byte[] bytes, MqttProtocolVersion version) => Describe(Wire.SingleFrame(bytes), version);

    private static string Hex(in ReadOnlySequence<byte> bytes) => Convert.ToHexString(bytes.ToArray());

    private static string Props(in MqttProperties properties, string label = "props")
    {
        if (properties.IsEmpty)
        {
            return "";
        }

        var items = new List<string>();
        foreach (MqttProperty p in properties)
        {
            items.Add(p.Type switch
            {
                MqttPropertyType.Utf8String => $"{p.Id}={Wire.Utf8(p.Data)}",
                MqttPropertyType.BinaryData => $"{p.Id}={Hex(p.Data)}",
                MqttPropertyType.Utf8StringPair => $"{p.Id}={Wire.Utf8(p.Data)}:{Wire.Utf8(p.PairValue)}",
                _ => $"{p.Id}={p.Value}",
            });
        }

        return $" {label}={{{string.Join(";", items)}}}";
    }
}
