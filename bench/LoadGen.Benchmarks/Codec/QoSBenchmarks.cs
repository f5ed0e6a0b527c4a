using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LoadGen.Protocol;
using MQTTnet.Adapter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace LoadGen.Benchmarks.Codec;

/// <summary>PUBLISH at QoS 0 and QoS 2 with a 256 B payload under MQTT 5.0 (QoS 1 is covered by <see cref="PublishBenchmarks"/>).</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class QoSBenchmarks
{
    private const MqttProtocolVersion Version = MqttProtocolVersion.V500;
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private PublishPacket _ours;
    private MqttPublishPacket _theirs = null!;
    private ReadOnlySequence<byte> _frame;
    private MqttFrame _scanned;
    private byte[] _topic = [];
    private byte[] _payload = [];
    private ReceivedMqttPacket _received;
    private MqttNetFormatter _mqttnet = null!;

    [Params(MqttQualityOfService.AtMostOnce, MqttQualityOfService.ExactlyOnce)]
    public MqttQualityOfService QoS { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] payload = new byte[256];
        new Random(42).NextBytes(payload);
        byte[] topic = "devices/0042/telemetry"u8.ToArray();
        ushort id = QoS == MqttQualityOfService.AtMostOnce ? (ushort)0 : (ushort)4242;
        _ours = new PublishPacket
        {
            Topic = new ReadOnlySequence<byte>(topic), Payload = new ReadOnlySequence<byte>(payload),
            QoS = QoS, PacketId = id,
        };
        _theirs = new MqttPublishPacket
        {
            Topic = "devices/0042/telemetry", PayloadSegment = payload, QualityOfServiceLevel = (MqttQualityOfServiceLevel)(int)QoS,
            PacketIdentifier = id,
        };
        _mqttnet = new MqttNetFormatter(Version);
        var writer = new ArrayBufferWriter<byte>();
        MqttEncoder.WritePublish(writer, _ours, Version);
        byte[] frame = writer.WrittenSpan.ToArray();
        _frame = new ReadOnlySequence<byte>(frame);
        ReadOnlySequence<byte> scan = _frame;
        MqttFrameScanner.TryRead(ref scan, out _scanned);
        _topic = topic;
        _payload = payload;
        _received = MqttNetFormatter.Received(frame);
    }

    [Benchmark(Baseline = true, Description = "MQTTnet decode"), BenchmarkCategory("Decode")]
    public object DecodeMqttNet() => _mqttnet.Decode(_received);

    // Like MQTTnet's row, decodes a packet whose fixed header has already been read.
    [Benchmark(Description = "LoadGen decode"), BenchmarkCategory("Decode")]
    public long DecodeLoadGen()
    {
        PublishPacket packet = MqttDecoder.DecodePublish(_scanned, Version);
        return packet.Payload.Length + packet.PacketId;
    }

    // The whole receive-side cost: find the frame in the buffer, advance past it, decode.
    [Benchmark(Description = "LoadGen scan+decode"), BenchmarkCategory("Decode")]
    public long ScanAndDecodeLoadGen()
    {
        ReadOnlySequence<byte> buffer = _frame;
        MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame);
        PublishPacket packet = MqttDecoder.DecodePublish(frame, Version);
        return packet.Payload.Length + packet.PacketId;
    }

    [Benchmark(Baseline = true, Description = "MQTTnet encode+copy"), BenchmarkCategory("Encode")]
    public int EncodeMqttNet()
    {
        _output.ResetWrittenCount();
        return _mqttnet.EncodeInto(_theirs, _output);
    }

    [Benchmark(Description = "LoadGen encode"), BenchmarkCategory("Encode")]
    public int EncodeLoadGen()
    {
        _output.ResetWrittenCount();
        return MqttEncoder.WritePublish(_output, _topic, _payload, _ours.QoS, _ours.PacketId, Version);
    }
}
