using System.Buffers;
using System.Text;

namespace LoadGen.Protocol.Tests.Writing;

/// <summary>
/// Every packet type, built through the public API, written by the encoder and read back by the decoder, under both
/// protocol versions. The decoded description must equal the expected one, and the bytes must survive a second
/// trip unchanged, also when written through a writer that hands out small spans.
/// </summary>
public class RoundTripTests
{
    public static TheoryData<string, MqttProtocolVersion, string> Cases()
    {
        var data = new TheoryData<string, MqttProtocolVersion, string>();
        foreach (MqttProtocolVersion v in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            bool v5 = v == MqttProtocolVersion.V500;
            data.Add("connect", v, v5
                ? $"CONNECT v=5 id=dev-1 clean=False ka=30 props={{SessionExpiryInterval=600;ReceiveMaximum=16;MaximumPacketSize=65536;UserProperty=site:lab}} will=dead/dev-1:6F6666 wqos=2 wretain=True wprops={{WillDelayInterval=10;ContentType=text/plain}} user=alice pass=736563726574"
                : "CONNECT v=4 id=dev-1 clean=False ka=30 will=dead/dev-1:6F6666 wqos=2 wretain=True user=alice pass=736563726574");
            data.Add("connack", v, v5 ? "CONNACK sp=True code=0 props={ReceiveMaximum=100;MaximumQoS=1;RetainAvailable=0}" : "CONNACK sp=True code=0");
            data.Add("publish0", v, "PUBLISH qos=0 id=0 dup=False retain=True topic=sensors/t payload=0102030405");
            data.Add("publish1", v, v5
                ? "PUBLISH qos=1 id=65535 dup=True retain=False topic=sensors/t payload=0102030405 props={MessageExpiryInterval=30;CorrelationData=ABCD;UserProperty=k:v}"
                : "PUBLISH qos=1 id=65535 dup=True retain=False topic=sensors/t payload=0102030405");
            data.Add("publish2", v, "PUBLISH qos=2 id=1 dup=False retain=False topic=sensors/t payload=0102030405");
            data.Add("puback", v, v5 ? "PUBACK id=7 rc=16 props={ReasonString=nobody}" : "PUBACK id=7 rc=0");
            data.Add("pubrec", v, "PUBREC id=7 rc=0");
            data.Add("pubrel", v, v5 ? "PUBREL id=7 rc=146" : "PUBREL id=7 rc=0");
            data.Add("pubcomp", v, "PUBCOMP id=7 rc=0");
            data.Add("subscribe", v, v5
                ? "SUBSCRIBE id=9 [a/+/c@2D,b/#@00] props={SubscriptionIdentifier=42}"
                : "SUBSCRIBE id=9 [a/+/c@01,b/#@00]");
            data.Add("suback", v, "SUBACK id=9 codes=0180");
            data.Add("unsubscribe", v, "UNSUBSCRIBE id=10 [a/+/c,b/#]");
            data.Add("unsuback", v, v5 ? "UNSUBACK id=10 codes=0011" : "UNSUBACK id=10 codes=");
            data.Add("pingreq", v, "PINGREQ");
            data.Add("pingresp", v, "PINGRESP");
            data.Add("disconnect", v, v5 ? "DISCONNECT rc=4 props={ReasonString=bye}" : "DISCONNECT rc=0");
            if (v5)
            {
                data.Add("auth", v, "AUTH rc=25 props={AuthenticationMethod=SCRAM-SHA-1;AuthenticationData=00FF}");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryPacketTypeSurvivesEncodeAndDecode(string kind, MqttProtocolVersion version, string expected)
    {
        byte[] bytes = Wire.Encode(output => SamplePackets.Write(kind, version, output));
        Assert.Equal(expected, PacketText.Describe(bytes, version));
        Assert.Equal(bytes, Reencode.Frame(Wire.SingleFrame(bytes), version));

        var chunked = new ChunkedBufferWriter(chunk: 3);
        SamplePackets.Write(kind, version, chunked);
        Assert.Equal(bytes, chunked.WrittenBytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_384)]
    [InlineData(2_097_152)]
    public void PublishPayloadsAcrossEveryRemainingLengthWidthSurviveARoundTrip(int payloadLength)
    {
        byte[] payload = new byte[payloadLength];
        new Random(payloadLength).NextBytes(payload);
        var packet = new PublishPacket
        {
            Topic = Wire.Text("big"), Payload = new ReadOnlySequence<byte>(payload), QoS = MqttQualityOfService.AtLeastOnce, PacketId = 3,
        };
        byte[] bytes = Wire.Encode(o => MqttEncoder.WritePublish(o, packet, MqttProtocolVersion.V500));
        PublishPacket decoded = MqttDecoder.DecodePublish(Wire.SingleFrame(bytes), MqttProtocolVersion.V500);
        Assert.True(decoded.Payload.ToArray().AsSpan().SequenceEqual(payload));
    }

    [Fact]
    public void PublishWithAPayloadSpanningSegmentsEncodesLikeOneWithAContiguousPayload()
    {
        byte[] payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var contiguous = new PublishPacket { Topic = Wire.Text("t/1"), Payload = new ReadOnlySequence<byte>(payload), QoS = MqttQualityOfService.AtLeastOnce, PacketId = 5 };
        var split = contiguous with { Payload = SequenceLayouts.Chain(payload[..7], payload[7..200], payload[200..]), Topic = SequenceLayouts.Chain([0x74], [0x2F, 0x31]) };
        byte[] expected = Wire.Encode(o => MqttEncoder.WritePublish(o, contiguous, MqttProtocolVersion.V500));
        Assert.Equal(expected, Wire.Encode(o => MqttEncoder.WritePublish(o, split, MqttProtocolVersion.V500)));
        Assert.Equal(expected, Wire.Encode(o => MqttEncoder.WritePublish(o, "t/1"u8, payload, MqttQualityOfService.AtLeastOnce, 5, MqttProtocolVersion.V500)));
    }

    [Fact]
    public void DecodedPublishPayloadIsASliceOfTheInputNotACopy()
    {
        byte[] bytes = Wire.Hex("32 0C 0003 612F62 000A 68656C6C6F");
        PublishPacket packet = MqttDecoder.DecodePublish(Wire.SingleFrame(bytes), MqttProtocolVersion.V311);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(packet.Payload.First, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(9, segment.Offset);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(packet.Topic.First, out ArraySegment<byte> topic));
        Assert.Same(bytes, topic.Array);
    }
}
