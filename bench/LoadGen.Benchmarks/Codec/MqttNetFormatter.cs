using System.Buffers;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using OurVersion = LoadGen.Protocol.MqttProtocolVersion;

namespace LoadGen.Benchmarks.Codec;

/// <summary>
/// MQTTnet 5's public formatter, the baseline competitor. It decodes a body the channel has already split from the
/// fixed header, so the baseline skips framing while ours includes it: the comparison favours MQTTnet.
/// </summary>
internal sealed class MqttNetFormatter
{
    private readonly MqttPacketFormatterAdapter _adapter;

    public MqttNetFormatter(OurVersion version) =>
        _adapter = new MqttPacketFormatterAdapter((MqttProtocolVersion)(int)version, new MqttBufferWriter(4096, 65535));

    public MqttPacket Decode(ReceivedMqttPacket packet) => _adapter.Decode(packet);

    /// <summary>MQTTnet's Encode, then its header and payload copied into the writer, as a transport must.</summary>
    public int EncodeInto(MqttPacket packet, IBufferWriter<byte> output)
    {
        MqttPacketBuffer buffer = _adapter.Encode(packet);
        output.Write(buffer.Packet.AsSpan());
        foreach (ReadOnlyMemory<byte> segment in buffer.Payload)
        {
            output.Write(segment.Span);
        }

        return buffer.Length;
    }

    /// <summary>Splits a whole frame into what MQTTnet's channel hands its formatter.</summary>
    public static ReceivedMqttPacket Received(byte[] frame)
    {
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

        return new ReceivedMqttPacket(frame[0], new ArraySegment<byte>(frame, offset, remaining), frame.Length);
    }
}
