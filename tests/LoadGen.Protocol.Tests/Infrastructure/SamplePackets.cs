using System.Buffers;
using System.Text;

namespace LoadGen.Protocol.Tests;

/// <summary>One packet of every type, built through the public API, for round-trip and interop tests.</summary>
internal static class SamplePackets
{
    public static readonly string[] Kinds =
        ["connect", "connack", "publish0", "publish1", "publish2", "puback", "pubrec", "pubrel", "pubcomp", "subscribe",
         "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect", "auth"];

    public static int Write(string kind, MqttProtocolVersion v, IBufferWriter<byte> o)
    {
        bool v5 = v == MqttProtocolVersion.V500;
        var props = new MqttPropertyBuilder();
        ReadOnlySequence<byte> payload = Wire.Bytes("0102030405");
        switch (kind)
        {
            case "connect":
                MqttProperties connectProps = v5
                    ? props.Add(MqttPropertyId.SessionExpiryInterval, 600).Add(MqttPropertyId.ReceiveMaximum, 16)
                        .Add(MqttPropertyId.MaximumPacketSize, 65536).AddUserProperty("site", "lab").ToProperties()
                    : default;
                props.Clear();
                MqttProperties willProps = v5
                    ? props.Add(MqttPropertyId.WillDelayInterval, 10).Add(MqttPropertyId.ContentType, "text/plain").ToProperties()
                    : default;
                return MqttEncoder.WriteConnect(o, new ConnectPacket
                {
                    ProtocolVersion = v, ClientId = Wire.Text("dev-1"), CleanStart = false, KeepAlive = 30, Properties = connectProps,
                    WillTopic = Wire.Text("dead/dev-1"), WillPayload = Wire.Text("off"), WillQoS = MqttQualityOfService.ExactlyOnce,
                    WillRetain = true, WillProperties = willProps, UserName = Wire.Text("alice"), Password = Wire.Text("secret"),
                });
            case "connack":
                return MqttEncoder.WriteConnAck(o, new ConnAckPacket
                {
                    SessionPresent = true,
                    Properties = v5 ? props.Add(MqttPropertyId.ReceiveMaximum, 100).Add(MqttPropertyId.MaximumQoS, 1)
                        .Add(MqttPropertyId.RetainAvailable, 0).Build() : default,
                }, v);
            case "publish0":
                return MqttEncoder.WritePublish(o, new PublishPacket { Topic = Wire.Text("sensors/t"), Payload = payload, Retain = true }, v);
            case "publish1":
                return MqttEncoder.WritePublish(o, new PublishPacket
                {
                    Topic = Wire.Text("sensors/t"), Payload = payload, QoS = MqttQualityOfService.AtLeastOnce, PacketId = 65535, Dup = true,
                    Properties = v5 ? props.Add(MqttPropertyId.MessageExpiryInterval, 30).Add(MqttPropertyId.CorrelationData, [0xAB, 0xCD])
                        .AddUserProperty("k", "v").Build() : default,
                }, v);
            case "publish2":
                return MqttEncoder.WritePublish(o, new PublishPacket
                {
                    Topic = Wire.Text("sensors/t"), Payload = payload, QoS = MqttQualityOfService.ExactlyOnce, PacketId = 1,
                }, v);
            case "puback":
                return MqttEncoder.WriteAck(o, new AckPacket
                {
                    Type = MqttPacketType.PubAck, PacketId = 7, ReasonCode = v5 ? MqttReasonCode.NoMatchingSubscribers : 0,
                    Properties = v5 ? props.Add(MqttPropertyId.ReasonString, "nobody").Build() : default,
                }, v);
            case "pubrec":
                return MqttEncoder.WriteAck(o, MqttPacketType.PubRec, 7);
            case "pubrel":
                return MqttEncoder.WriteAck(o, new AckPacket
                {
                    Type = MqttPacketType.PubRel, PacketId = 7, ReasonCode = v5 ? MqttReasonCode.PacketIdentifierNotFound : 0,
                }, v);
            case "pubcomp":
                return MqttEncoder.WriteAck(o, new AckPacket { Type = MqttPacketType.PubComp, PacketId = 7 }, v);
            case "subscribe":
                return MqttEncoder.WriteSubscribe(o, new SubscribePacket
                {
                    PacketId = 9,
                    Properties = v5 ? props.Add(MqttPropertyId.SubscriptionIdentifier, 42).Build() : default,
                    Subscriptions = MqttSubscriptionList.Create(
                        v5 ? new MqttSubscription("a/+/c", MqttQualityOfService.AtLeastOnce, noLocal: true, retainAsPublished: true,
                                retainHandling: MqttRetainHandling.DoNotSend)
                           : new MqttSubscription("a/+/c", MqttQualityOfService.AtLeastOnce),
                        new MqttSubscription("b/#", MqttQualityOfService.AtMostOnce)),
                }, v);
            case "suback":
                return MqttEncoder.WriteSubAck(o, new SubAckPacket { PacketId = 9, ReasonCodes = Wire.Bytes("0180") }, v);
            case "unsubscribe":
                return MqttEncoder.WriteUnsubscribe(o, new UnsubscribePacket
                {
                    PacketId = 10, TopicFilters = MqttTopicFilterList.Create("a/+/c", "b/#"),
                }, v);
            case "unsuback":
                return MqttEncoder.WriteUnsubAck(o, new UnsubAckPacket { PacketId = 10, ReasonCodes = Wire.Bytes("0011") }, v);
            case "pingreq":
                return MqttEncoder.WritePingReq(o);
            case "pingresp":
                return MqttEncoder.WritePingResp(o);
            case "disconnect":
                return MqttEncoder.WriteDisconnect(o, new DisconnectPacket
                {
                    ReasonCode = MqttReasonCode.DisconnectWithWillMessage,
                    Properties = props.Add(MqttPropertyId.ReasonString, Encoding.UTF8.GetBytes("bye")).Build(),
                }, v);
            case "auth":
                return MqttEncoder.WriteAuth(o, new AuthPacket
                {
                    ReasonCode = MqttReasonCode.ReAuthenticate,
                    Properties = props.Add(MqttPropertyId.AuthenticationMethod, "SCRAM-SHA-1").Add(MqttPropertyId.AuthenticationData, [0x00, 0xFF]).Build(),
                });
            default:
                throw new ArgumentOutOfRangeException(kind);
        }
    }
}
