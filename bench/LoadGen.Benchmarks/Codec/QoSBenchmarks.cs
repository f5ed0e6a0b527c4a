using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LoadGen.Protocol;

namespace LoadGen.Benchmarks.Codec;

/// <summary>PUBLISH at QoS 0 and QoS 2 with a 256 B payload under MQTT 5.0 (QoS 1 is in <see cref="PublishBenchmarks"/>).</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class QoSBenchmarks : PublishCodecBenchmarks
{
    [Params(MqttQualityOfService.AtMostOnce, MqttQualityOfService.ExactlyOnce)]
    public MqttQualityOfService QoS { get; set; }

    [GlobalSetup]
    public void Setup() => Prepare(256, QoS, MqttProtocolVersion.V500);
}
