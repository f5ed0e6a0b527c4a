using System.Buffers;
using System.Text;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using NetConnectReturnCode = MQTTnet.Protocol.MqttConnectReturnCode;
using NetRetainHandling = MQTTnet.Protocol.MqttRetainHandling;
using V = LoadGen.Protocol.MqttProtocolVersion;

namespace LoadGen.Protocol.Tests.Interop;

/// <summary>
/// Interop with a codec nobody here wrote. Bytes from MQTTnet 5's formatter must decode with ours to the expected
/// packet, and bytes from ours must decode with MQTTnet's to the packet we meant, for every packet type both
/// libraries have, under both protocol versions.
/// </summary>
public class MqttNetInteropTests
{
    private static readonly byte[] Payload = [1, 2, 3, 4, 5];

    public static TheoryData<string, V> Kinds()
    {
        var data = new TheoryData<string, V>();
        foreach (V v in new[] { V.V311, V.V500 })
        {
            foreach (string kind in SamplePackets.Kinds)
            {
                if (kind != "auth" || v == V.V500)
                {
                    data.Add(kind, v);
                }
            }
        }

        return data;
    }

    // ---- MQTTnet writes, we read ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BytesWrittenByMqttNetDecodeWithOurDecoder(string kind, V version)
    {
        (MqttPacket packet, string expected) = MqttNetPacket(kind, version);
        byte[] bytes = MqttNetCodec.Encode(packet, version);
        foreach ((string layout, ReadOnlySequence<byte> sequence) in new[] { SequenceLayouts.All(bytes).First(), SequenceLayouts.All(bytes).Last() })
        {
            string actual = PacketText.Describe(Wire.SingleFrame(sequence), version);
            Assert.True(expected == actual, $"{layout}: expected {expected} but got {actual} from {Wire.Hex(bytes)}");
        }
    }

    private static (MqttPacket Packet, string Expected) MqttNetPacket(string kind, V v)
    {
        bool v5 = v == V.V500;
        switch (kind)
        {
            case "connect":
                return (new MqttConnectPacket
                {
                    ClientId = "dev-1", CleanSession = false, KeepAlivePeriod = 30, Username = "alice", Password = "secret"u8.ToArray(),
                    WillFlag = true, WillTopic = "dead/dev-1", WillMessage = "off"u8.ToArray(), WillQoS = MqttQualityOfServiceLevel.ExactlyOnce,
                    WillRetain = true, SessionExpiryInterval = 600, ReceiveMaximum = 16, WillDelayInterval = 10,
                    RequestProblemInformation = true,
                }, v5
                    ? "CONNECT v=5 id=dev-1 clean=False ka=30 props={SessionExpiryInterval=600;ReceiveMaximum=16} will=dead/dev-1:6F6666 wqos=2 wretain=True wprops={WillDelayInterval=10} user=alice pass=736563726574"
                    : "CONNECT v=4 id=dev-1 clean=False ka=30 will=dead/dev-1:6F6666 wqos=2 wretain=True user=alice pass=736563726574");
            case "connack":
                return (new MqttConnAckPacket
                {
                    IsSessionPresent = true, ReturnCode = NetConnectReturnCode.ConnectionAccepted, ReasonCode = MqttConnectReasonCode.Success,
                    ReceiveMaximum = 100, RetainAvailable = true, MaximumQoS = MqttQualityOfServiceLevel.ExactlyOnce,
                    WildcardSubscriptionAvailable = true, SubscriptionIdentifiersAvailable = true, SharedSubscriptionAvailable = true,
                }, v5 ? "CONNACK sp=True code=0 props={ReceiveMaximum=100}" : "CONNACK sp=True code=0");
            case "publish0":
                return (new MqttPublishPacket { Topic = "sensors/t", PayloadSegment = Payload, Retain = true },
                    "PUBLISH qos=0 id=0 dup=False retain=True topic=sensors/t payload=0102030405");
            case "publish1":
                var p1 = new MqttPublishPacket
                {
                    Topic = "sensors/t", PayloadSegment = Payload, QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                    PacketIdentifier = 65535, Dup = true, MessageExpiryInterval = 30, CorrelationData = [0xAB, 0xCD],
                    UserProperties = [new MqttUserProperty("k", Encoding.UTF8.GetBytes("v").AsMemory())],
                };
                // MQTTnet writes Correlation Data before Message Expiry Interval; property order is free (§2.2.2).
                return (p1, v5
                    ? "PUBLISH qos=1 id=65535 dup=True retain=False topic=sensors/t payload=0102030405 props={CorrelationData=ABCD;MessageExpiryInterval=30;UserProperty=k:v}"
                    : "PUBLISH qos=1 id=65535 dup=True retain=False topic=sensors/t payload=0102030405");
            case "publish2":
                return (new MqttPublishPacket
                {
                    Topic = "sensors/t", PayloadSegment = Payload, QualityOfServiceLevel = MqttQualityOfServiceLevel.ExactlyOnce, PacketIdentifier = 1,
                }, "PUBLISH qos=2 id=1 dup=False retain=False topic=sensors/t payload=0102030405");
            case "puback":
                return (new MqttPubAckPacket { PacketIdentifier = 7, ReasonCode = v5 ? MqttPubAckReasonCode.NoMatchingSubscribers : 0, ReasonString = v5 ? "nobody" : null },
                    v5 ? "PUBACK id=7 rc=16 props={ReasonString=nobody}" : "PUBACK id=7 rc=0");
            case "pubrec":
                return (new MqttPubRecPacket { PacketIdentifier = 7 }, "PUBREC id=7 rc=0");
            case "pubrel":
                return (new MqttPubRelPacket { PacketIdentifier = 7, ReasonCode = v5 ? MqttPubRelReasonCode.PacketIdentifierNotFound : 0 },
                    v5 ? "PUBREL id=7 rc=146" : "PUBREL id=7 rc=0");
            case "pubcomp":
                return (new MqttPubCompPacket { PacketIdentifier = 7 }, "PUBCOMP id=7 rc=0");
            case "subscribe":
                var sub = new MqttSubscribePacket { PacketIdentifier = 9, SubscriptionIdentifier = v5 ? 42u : 0 };
                sub.TopicFilters.Add(new MqttTopicFilter
                {
                    Topic = "a/+/c", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, NoLocal = v5, RetainAsPublished = v5,
                    RetainHandling = v5 ? NetRetainHandling.DoNotSendOnSubscribe : NetRetainHandling.SendAtSubscribe,
                });
                sub.TopicFilters.Add(new MqttTopicFilter { Topic = "b/#", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce });
                return (sub, v5 ? "SUBSCRIBE id=9 [a/+/c@2D,b/#@00] props={SubscriptionIdentifier=42}" : "SUBSCRIBE id=9 [a/+/c@01,b/#@00]");
            case "suback":
                return (new MqttSubAckPacket
                {
                    PacketIdentifier = 9, ReasonCodes = [MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.UnspecifiedError],
                }, "SUBACK id=9 codes=0180");
            case "unsubscribe":
                var unsub = new MqttUnsubscribePacket { PacketIdentifier = 10 };
                unsub.TopicFilters.Add("a/+/c");
                unsub.TopicFilters.Add("b/#");
                return (unsub, "UNSUBSCRIBE id=10 [a/+/c,b/#]");
            case "unsuback":
                return (new MqttUnsubAckPacket
                {
                    PacketIdentifier = 10, ReasonCodes = [MqttUnsubscribeReasonCode.Success, MqttUnsubscribeReasonCode.NoSubscriptionExisted],
                }, v5 ? "UNSUBACK id=10 codes=0011" : "UNSUBACK id=10 codes=");
            case "pingreq":
                return (MqttPingReqPacket.Instance, "PINGREQ");
            case "pingresp":
                return (MqttPingRespPacket.Instance, "PINGRESP");
            case "disconnect":
                return (new MqttDisconnectPacket
                {
                    ReasonCode = v5 ? MqttDisconnectReasonCode.DisconnectWithWillMessage : 0, ReasonString = v5 ? "bye" : null,
                }, v5 ? "DISCONNECT rc=4 props={ReasonString=bye}" : "DISCONNECT rc=0");
            case "auth":
                return (new MqttAuthPacket
                {
                    ReasonCode = MqttAuthenticateReasonCode.ReAuthenticate, AuthenticationMethod = "SCRAM-SHA-1", AuthenticationData = [0x00, 0xFF],
                }, "AUTH rc=25 props={AuthenticationMethod=SCRAM-SHA-1;AuthenticationData=00FF}");
            default:
                throw new ArgumentOutOfRangeException(kind);
        }
    }

    // ---- We write, MQTTnet reads ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public void BytesWrittenByOurEncoderDecodeWithMqttNet(string kind, V version)
    {
        bool v5 = version == V.V500;
        byte[] bytes = Wire.Encode(o => SamplePackets.Write(kind, version, o));
        MqttPacket decoded = MqttNetCodec.Decode(bytes, version);
        switch (decoded)
        {
            case MqttConnectPacket c:
                Assert.Equal(("dev-1", false, (ushort)30, "alice", "secret"), (c.ClientId, c.CleanSession, c.KeepAlivePeriod, c.Username, Encoding.UTF8.GetString(c.Password)));
                Assert.Equal((true, "dead/dev-1", "off", MqttQualityOfServiceLevel.ExactlyOnce, true),
                    (c.WillFlag, c.WillTopic, Encoding.UTF8.GetString(c.WillMessage), c.WillQoS, c.WillRetain));
                if (v5)
                {
                    Assert.Equal((600u, (ushort)16, 65536u, 10u, "text/plain"),
                        (c.SessionExpiryInterval, c.ReceiveMaximum, c.MaximumPacketSize, c.WillDelayInterval, c.WillContentType));
                    Assert.Equal("site=lab", string.Join(",", c.UserProperties.Select(u => $"{u.Name}={u.ReadValueAsString()}")));
                }

                break;
            case MqttConnAckPacket ca:
                Assert.True(ca.IsSessionPresent);
                Assert.Equal(NetConnectReturnCode.ConnectionAccepted, ca.ReturnCode);
                if (v5)
                {
                    Assert.Equal(((ushort)100, MqttQualityOfServiceLevel.AtLeastOnce, false), (ca.ReceiveMaximum, ca.MaximumQoS, ca.RetainAvailable));
                }

                break;
            case MqttPublishPacket p:
                Assert.Equal("sensors/t", p.Topic);
                Assert.Equal(Convert.ToHexString([1, 2, 3, 4, 5]), Convert.ToHexString(p.Payload.ToArray()));
                var expected = kind switch
                {
                    "publish0" => (MqttQualityOfServiceLevel.AtMostOnce, (ushort)0, false, true),
                    "publish1" => (MqttQualityOfServiceLevel.AtLeastOnce, (ushort)65535, true, false),
                    _ => (MqttQualityOfServiceLevel.ExactlyOnce, (ushort)1, false, false),
                };
                Assert.Equal(expected, (p.QualityOfServiceLevel, p.PacketIdentifier, p.Dup, p.Retain));
                if (v5 && kind == "publish1")
                {
                    Assert.Equal((30u, "ABCD"), (p.MessageExpiryInterval, Convert.ToHexString(p.CorrelationData)));
                    Assert.Equal("k=v", string.Join(",", p.UserProperties.Select(u => $"{u.Name}={u.ReadValueAsString()}")));
                }

                break;
            case MqttPubAckPacket pa:
                Assert.Equal(((ushort)7, v5 ? MqttPubAckReasonCode.NoMatchingSubscribers : 0, v5 ? "nobody" : null),
                    (pa.PacketIdentifier, pa.ReasonCode, pa.ReasonString));
                break;
            case MqttPubRecPacket pr:
                Assert.Equal(((ushort)7, MqttPubRecReasonCode.Success), (pr.PacketIdentifier, pr.ReasonCode));
                break;
            case MqttPubRelPacket prl:
                Assert.Equal(((ushort)7, v5 ? MqttPubRelReasonCode.PacketIdentifierNotFound : 0), (prl.PacketIdentifier, prl.ReasonCode));
                break;
            case MqttPubCompPacket pc:
                Assert.Equal(((ushort)7, MqttPubCompReasonCode.Success), (pc.PacketIdentifier, pc.ReasonCode));
                break;
            case MqttSubscribePacket s:
                Assert.Equal((ushort)9, s.PacketIdentifier);
                Assert.Equal(v5 ? 42u : 0u, s.SubscriptionIdentifier);
                Assert.Equal(
                    v5 ? "a/+/c:AtLeastOnce:True:True:DoNotSendOnSubscribe,b/#:AtMostOnce:False:False:SendAtSubscribe"
                       : "a/+/c:AtLeastOnce:False:False:SendAtSubscribe,b/#:AtMostOnce:False:False:SendAtSubscribe",
                    string.Join(",", s.TopicFilters.Select(f => $"{f.Topic}:{f.QualityOfServiceLevel}:{f.NoLocal}:{f.RetainAsPublished}:{f.RetainHandling}")));
                break;
            case MqttSubAckPacket sa:
                Assert.Equal((ushort)9, sa.PacketIdentifier);
                Assert.Equal([MqttSubscribeReasonCode.GrantedQoS1, MqttSubscribeReasonCode.UnspecifiedError], sa.ReasonCodes);
                break;
            case MqttUnsubscribePacket u:
                Assert.Equal((ushort)10, u.PacketIdentifier);
                Assert.Equal(["a/+/c", "b/#"], u.TopicFilters);
                break;
            case MqttUnsubAckPacket ua:
                Assert.Equal((ushort)10, ua.PacketIdentifier);
                if (v5)
                {
                    Assert.Equal([MqttUnsubscribeReasonCode.Success, MqttUnsubscribeReasonCode.NoSubscriptionExisted], ua.ReasonCodes);
                }

                break;
            case MqttPingReqPacket:
                Assert.Equal("pingreq", kind);
                break;
            case MqttPingRespPacket:
                Assert.Equal("pingresp", kind);
                break;
            case MqttDisconnectPacket d:
                Assert.Equal(v5 ? MqttDisconnectReasonCode.DisconnectWithWillMessage : MqttDisconnectReasonCode.NormalDisconnection, d.ReasonCode);
                Assert.Equal(v5 ? "bye" : null, d.ReasonString);
                break;
            case MqttAuthPacket a:
                Assert.Equal((MqttAuthenticateReasonCode.ReAuthenticate, "SCRAM-SHA-1", "00FF"),
                    (a.ReasonCode, a.AuthenticationMethod, Convert.ToHexString(a.AuthenticationData)));
                break;
            default:
                Assert.Fail($"MQTTnet decoded {kind} as {decoded.GetType().Name}");
                break;
        }

        Assert.Equal(kind.TrimEnd('0', '1', '2').Replace("-", ""), decoded.GetType().Name[4..^6].ToLowerInvariant());
    }
}
