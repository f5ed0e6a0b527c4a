using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LoadGen.Protocol;

namespace LoadGen.Benchmarks.Codec;

/// <summary>PUBLISH at QoS 1 across payload sizes and both protocol versions (rows in <see cref="PublishCodecBenchmarks"/>).</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PublishBenchmarks : PublishCodecBenchmarks
{
    [Params(16, 256, 4096, 65536)]
    public int PayloadSize { get; set; }

    [Params(MqttProtocolVersion.V311, MqttProtocolVersion.V500)]
    public MqttProtocolVersion Version { get; set; }

    [GlobalSetup]
    public void Setup() => Prepare(PayloadSize, MqttQualityOfService.AtLeastOnce, Version);
}
