using System.Buffers;
using BenchmarkDotNet.Attributes;
using LoadGen.Protocol;
using MQTTnet.Adapter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace LoadGen.Benchmarks.Codec;

/// <summary>
/// The PUBLISH rows shared by <see cref="PublishBenchmarks"/> and <see cref="QoSBenchmarks"/>. Decode: from a framed
/// packet, as MQTTnet's formatter receives it, ours returns a view while MQTTnet builds a packet with a string topic
/// and a copied payload; a second LoadGen row adds the framing. Encode: both end with the whole packet, payload
/// included, in an <see cref="IBufferWriter{T}"/>; ours takes the topic and payload bytes as a session holds them.
/// </summary>
public abstract class PublishCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(128 * 1024);
    private MqttPublishPacket _theirs = null!;
    private ReadOnlySequence<byte> _frame;
    private MqttFrame _scanned;
    private ReceivedMqttPacket _received;
    private MqttNetFormatter _mqttnet = null!;
    private byte[] _topic = [];
    private byte[] _payload = [];
    private MqttQualityOfService _qos;
    private ushort _packetId;
    private MqttProtocolVersion _version;

    /// <summary>Builds the same message for both codecs and frames it once for the decode rows.</summary>
    protected void Prepare(int payloadSize, MqttQualityOfService qos, MqttProtocolVersion version)
    {
        _payload = new byte[payloadSize];
        new Random(42).NextBytes(_payload);
        _topic = "devices/0042/telemetry"u8.ToArray();
        _qos = qos;
        _packetId = qos == MqttQualityOfService.AtMostOnce ? (ushort)0 : (ushort)4242;
        _version = version;
        _theirs = new MqttPublishPacket
        {
            Topic = "devices/0042/telemetry", PayloadSegment = _payload,
            QualityOfServiceLevel = (MqttQualityOfServiceLevel)(int)qos, PacketIdentifier = _packetId,
        };
        _mqttnet = new MqttNetFormatter(version);
        var writer = new ArrayBufferWriter<byte>();
        MqttEncoder.WritePublish(writer, _topic, _payload, qos, _packetId, version);
        byte[] frame = writer.WrittenSpan.ToArray();
        _frame = new ReadOnlySequence<byte>(frame);
        ReadOnlySequence<byte> scan = _frame;
        MqttFrameScanner.TryRead(ref scan, out _scanned);
        _received = MqttNetFormatter.Received(frame);
    }

    [Benchmark(Baseline = true, Description = "MQTTnet decode"), BenchmarkCategory("Decode")]
    public object DecodeMqttNet() => _mqttnet.Decode(_received);

    // Like MQTTnet's row, decodes a packet whose fixed header has already been read.
    [Benchmark(Description = "LoadGen decode"), BenchmarkCategory("Decode")]
    public long DecodeLoadGen()
    {
        Sabotage.Apply();
        PublishPacket packet = MqttDecoder.DecodePublish(_scanned, _version);
        return packet.Payload.Length + packet.PacketId;
    }

    // The whole receive-side cost: find the frame in the buffer, advance past it, decode.
    [Benchmark(Description = "LoadGen scan+decode"), BenchmarkCategory("Decode")]
    public long ScanAndDecodeLoadGen()
    {
        Sabotage.Apply();
        ReadOnlySequence<byte> buffer = _frame;
        MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame);
        PublishPacket packet = MqttDecoder.DecodePublish(frame, _version);
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
        Sabotage.Apply();
        _output.ResetWrittenCount();
        return MqttEncoder.WritePublish(_output, _topic, _payload, _qos, _packetId, _version);
    }
}
