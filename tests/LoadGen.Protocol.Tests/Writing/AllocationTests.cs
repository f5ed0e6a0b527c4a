using System.Buffers;

namespace LoadGen.Protocol.Tests.Writing;

/// <summary>
/// The hot-path packets must cost nothing on the heap: encoding into a reused writer and scanning plus decoding a
/// received buffer allocate 0 bytes over a round of 10,000 packets, measured with the runtime's per-thread counter.
/// </summary>
public class AllocationTests
{
    private const int Packets = 10_000;

    public static TheoryData<string, MqttProtocolVersion> HotPathPackets()
    {
        var data = new TheoryData<string, MqttProtocolVersion>();
        foreach (MqttProtocolVersion v in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            foreach (string kind in new[] { "publish0", "publish1", "publish2", "publish-props", "publish1-span", "puback", "pubrec", "pubrel", "pubcomp", "pingreq", "pingresp" })
            {
                if (kind != "publish-props" || v == MqttProtocolVersion.V500)
                {
                    data.Add(kind, v);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HotPathPackets))]
    public void EncodingAndDecodingHotPathPacketsAllocatesNothing(string kind, MqttProtocolVersion version)
    {
        var output = new ArrayBufferWriter<byte>(1024);
        MqttProperties properties = new MqttPropertyBuilder().Add(MqttPropertyId.TopicAlias, 3)
            .Add(MqttPropertyId.MessageExpiryInterval, 60).AddUserProperty("k", "v").ToProperties();
        var publish = new PublishPacket
        {
            Topic = Wire.Text("devices/0042/telemetry"), Payload = new ReadOnlySequence<byte>(new byte[256]),
            QoS = kind switch { "publish1" or "publish-props" or "publish1-span" => MqttQualityOfService.AtLeastOnce, "publish2" => MqttQualityOfService.ExactlyOnce, _ => 0 },
            PacketId = kind == "publish0" ? (ushort)0 : (ushort)1234,
            Properties = kind == "publish-props" ? properties : default,
        };

        byte[] topic = "devices/0042/telemetry"u8.ToArray();
        byte[] payload = new byte[256];
        long checksum = 0;
        void RoundTrip()
        {
            output.ResetWrittenCount();
            switch (kind)
            {
                case "publish0" or "publish1" or "publish2" or "publish-props": MqttEncoder.WritePublish(output, publish, version); break;
                case "publish1-span": MqttEncoder.WritePublish(output, topic, payload, MqttQualityOfService.AtLeastOnce, 1234, version); break;
                case "puback": MqttEncoder.WriteAck(output, MqttPacketType.PubAck, 1234); break;
                case "pubrec": MqttEncoder.WriteAck(output, MqttPacketType.PubRec, 1234); break;
                case "pubrel": MqttEncoder.WriteAck(output, new AckPacket { Type = MqttPacketType.PubRel, PacketId = 1234 }, version); break;
                case "pubcomp": MqttEncoder.WriteAck(output, MqttPacketType.PubComp, 1234); break;
                case "pingreq": MqttEncoder.WritePingReq(output); break;
                case "pingresp": MqttEncoder.WritePingResp(output); break;
            }

            var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
            MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame);
            switch (frame.Type)
            {
                case MqttPacketType.Publish:
                    PublishPacket p = MqttDecoder.DecodePublish(frame, version);
                    checksum += p.Payload.Length + p.Topic.Length + p.PacketId;
                    foreach (MqttProperty property in p.Properties)
                    {
                        checksum += property.Value;
                    }

                    break;
                case MqttPacketType.PingReq or MqttPacketType.PingResp:
                    MqttDecoder.DecodePing(frame);
                    checksum++;
                    break;
                default:
                    checksum += MqttDecoder.DecodeAck(frame, version).PacketId;
                    break;
            }
        }

        Assert.Equal(0, AllocationProbe.SteadyStateBytes(RoundTrip, Packets));
        Assert.True(checksum > 0, "the loop decoded nothing");
    }

    [Fact]
    public void DecodingAPublishSplitAcrossSegmentsAllocatesNothing()
    {
        byte[] frame = Wire.Encode(o => MqttEncoder.WritePublish(o, new PublishPacket
        {
            Topic = Wire.Text("devices/0042/telemetry"), Payload = new ReadOnlySequence<byte>(new byte[256]),
            QoS = MqttQualityOfService.AtLeastOnce, PacketId = 7,
            Properties = new MqttPropertyBuilder().Add(MqttPropertyId.ContentType, "json").ToProperties(),
        }, MqttProtocolVersion.V500));
        // Split inside the topic, so both the header reader and the string validator take their slow paths.
        ReadOnlySequence<byte> input = SequenceLayouts.Chain(frame[..10], frame[10..40], frame[40..]);

        long sum = 0;
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => sum += Decode(input), Packets));
        Assert.True(sum >= Packets * 256L, "the loop decoded nothing");

        static long Decode(ReadOnlySequence<byte> buffer)
        {
            MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame);
            return MqttDecoder.DecodePublish(frame, MqttProtocolVersion.V500).Payload.Length;
        }
    }
}
