using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LoadGen.Protocol;
using MQTTnet.Adapter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace LoadGen.Benchmarks.Codec;

/// <summary>PUBACK, CONNECT and SUBSCRIBE under MQTT 5.0, encoded and decoded by both codecs.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ControlPacketBenchmarks
{
    private const MqttProtocolVersion Version = MqttProtocolVersion.V500;
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private MqttPacket _theirs = null!;
    private ReadOnlySequence<byte> _frame;
    private ReceivedMqttPacket _received;
    private MqttNetFormatter _mqttnet = null!;
    private ConnectPacket _connect;
    private SubscribePacket _subscribe;

    [Params("PUBACK", "CONNECT", "SUBSCRIBE")]
    public string Packet { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _mqttnet = new MqttNetFormatter(Version);
        _connect = new ConnectPacket
        {
            ProtocolVersion = Version, ClientId = Text("loadgen-000042"), CleanStart = true, KeepAlive = 60,
            UserName = Text("device"), Password = Text("secret"),
        };
        _subscribe = new SubscribePacket
        {
            PacketId = 7,
            Subscriptions = MqttSubscriptionList.Create(new MqttSubscription("devices/+/telemetry", MqttQualityOfService.AtLeastOnce)),
        };
        _theirs = Packet switch
        {
            "PUBACK" => new MqttPubAckPacket { PacketIdentifier = 4242 },
            "CONNECT" => new MqttConnectPacket
            {
                ClientId = "loadgen-000042", CleanSession = true, KeepAlivePeriod = 60, Username = "device",
                Password = Encoding.UTF8.GetBytes("secret"), RequestProblemInformation = true,
            },
            _ => Subscribe(),
        };
        var writer = new ArrayBufferWriter<byte>();
        EncodeLoadGenInto(writer);
        byte[] frame = writer.WrittenSpan.ToArray();
        _frame = new ReadOnlySequence<byte>(frame);
        _received = MqttNetFormatter.Received(frame);
    }

    [Benchmark(Baseline = true, Description = "MQTTnet decode"), BenchmarkCategory("Decode")]
    public object DecodeMqttNet() => _mqttnet.Decode(_received);

    [Benchmark(Description = "LoadGen decode"), BenchmarkCategory("Decode")]
    public int DecodeLoadGen()
    {
        Sabotage.Apply();
        ReadOnlySequence<byte> buffer = _frame;
        MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame);
        return frame.Type switch
        {
            MqttPacketType.PubAck => MqttDecoder.DecodeAck(frame, Version).PacketId,
            MqttPacketType.Connect => MqttDecoder.DecodeConnect(frame).KeepAlive,
            _ => MqttDecoder.DecodeSubscribe(frame, Version).PacketId,
        };
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
        return EncodeLoadGenInto(_output);
    }

    private int EncodeLoadGenInto(IBufferWriter<byte> output) => Packet switch
    {
        "PUBACK" => MqttEncoder.WriteAck(output, MqttPacketType.PubAck, 4242),
        "CONNECT" => MqttEncoder.WriteConnect(output, _connect),
        _ => MqttEncoder.WriteSubscribe(output, _subscribe, Version),
    };

    private static MqttSubscribePacket Subscribe()
    {
        var packet = new MqttSubscribePacket { PacketIdentifier = 7 };
        packet.TopicFilters.Add(new MqttTopicFilter { Topic = "devices/+/telemetry", QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce });
        return packet;
    }

    private static ReadOnlySequence<byte> Text(string s) => new(Encoding.UTF8.GetBytes(s));
}
