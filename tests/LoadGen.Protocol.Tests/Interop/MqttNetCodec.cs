using MQTTnet.Adapter;
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

    public static MqttPacket Decode(byte[] frame, OurVersion version)
    {
        var formatter = new MqttPacketFormatterAdapter((NetVersion)(int)version, new MqttBufferWriter(4096, 65535));
        int offset = 1;
        int remaining = 0;
        int shift = 0;
        byte b;
        do
        {
            b = frame[offset++];
            remaining |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        Assert.Equal(frame.Length, offset + remaining);
        return formatter.Decode(new ReceivedMqttPacket(frame[0], new ArraySegment<byte>(frame, offset, remaining), frame.Length));
    }
}
