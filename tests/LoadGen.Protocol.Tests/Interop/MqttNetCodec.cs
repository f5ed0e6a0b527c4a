using LoadGen.Benchmarks.Codec;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using NetVersion = MQTTnet.Formatter.MqttProtocolVersion;
using OurVersion = LoadGen.Protocol.MqttProtocolVersion;

namespace LoadGen.Protocol.Tests.Interop;

/// <summary>MQTTnet 5's formatter, used as an independent codec: it encodes packets for us to decode, and decodes ours.</summary>
internal static class MqttNetCodec
{
    public static byte[] Encode(MqttPacket packet, OurVersion version)
    {
        var formatter = new MqttPacketFormatterAdapter((NetVersion)(int)version, new MqttBufferWriter(4096, 65535));
        return formatter.Encode(packet).ToArray();
    }

    // Framing as MQTTnet's channel does it is shared with the benchmark baseline (linked from bench/).
    public static MqttPacket Decode(byte[] frame, OurVersion version) => new MqttNetFormatter(version).Decode(MqttNetFormatter.Received(frame));
}
