using System.Buffers;

namespace LoadGen.Protocol;

public static partial class MqttEncoder
{
    /// <summary>MQTT 3.1.1 §3.8 / MQTT 5.0 §3.8 SUBSCRIBE: flags 0010, packet identifier, properties (5.0), subscriptions.</summary>
    /// <returns>Bytes written.</returns>
    public static int WriteSubscribe(IBufferWriter<byte> output, in SubscribePacket packet, MqttProtocolVersion version) =>
        WriteIdPropertiesPayload(output, 0x82, packet.PacketId, packet.Properties, packet.Subscriptions.Encoded, version);

    /// <summary>MQTT 3.1.1 §3.9 / MQTT 5.0 §3.9 SUBACK: packet identifier, properties (5.0), one code per subscription.</summary>
    /// <returns>Bytes written.</returns>
    public static int WriteSubAck(IBufferWriter<byte> output, in SubAckPacket packet, MqttProtocolVersion version) =>
        WriteIdPropertiesPayload(output, 0x90, packet.PacketId, packet.Properties, packet.ReasonCodes, version);

    /// <summary>MQTT 3.1.1 §3.10 / MQTT 5.0 §3.10 UNSUBSCRIBE: flags 0010, packet identifier, properties (5.0), filters.</summary>
    /// <returns>Bytes written.</returns>
    public static int WriteUnsubscribe(IBufferWriter<byte> output, in UnsubscribePacket packet, MqttProtocolVersion version) =>
        WriteIdPropertiesPayload(output, 0xA2, packet.PacketId, packet.Properties, packet.TopicFilters.Encoded, version);

    /// <summary>
    /// MQTT 3.1.1 §3.11 UNSUBACK: packet identifier only. MQTT 5.0 §3.11: also properties and reason codes.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public static int WriteUnsubAck(IBufferWriter<byte> output, in UnsubAckPacket packet, MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V500
            ? WriteIdPropertiesPayload(output, 0xB0, packet.PacketId, packet.Properties, packet.ReasonCodes, version)
            : WriteIdPropertiesPayload(output, 0xB0, packet.PacketId, default, default, version);

    // SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK share one shape: identifier, properties (5.0), payload bytes.
    private static int WriteIdPropertiesPayload(IBufferWriter<byte> output, byte firstByte, ushort packetId,
        in MqttProperties properties, in ReadOnlySequence<byte> payload, MqttProtocolVersion version)
    {
        if (packetId == 0)
        {
            ThrowInvalid($"Packet type {firstByte >> 4} needs a non-zero packet identifier (§2.2.1).");
        }

        long remaining = 2 + PropertiesSize(properties, version) + payload.Length;
        if (remaining > VariableByteInteger.MaxValue)
        {
            ThrowInvalid($"Packet type {firstByte >> 4} would be {remaining} bytes long, over the 268,435,455-byte limit.");
        }

        MqttSpanWriter writer = Begin(output, firstByte, (int)remaining, out int total);
        writer.WriteUInt16(packetId);
        if (version == MqttProtocolVersion.V500)
        {
            writer.WriteProperties(properties);
        }

        writer.WriteBytes(payload);
        output.Advance(total);
        return total;
    }
}
