using System.Buffers;

namespace LoadGen.Protocol;

public static partial class MqttEncoder
{
    /// <summary>
    /// MQTT 3.1.1 §3.14 DISCONNECT: <c>E0 00</c>. MQTT 5.0 §3.14: reason code and properties, each omitted when it is
    /// the default (Normal disconnection, none).
    /// </summary>
    /// <returns>Bytes written.</returns>
    public static int WriteDisconnect(IBufferWriter<byte> output, in DisconnectPacket packet, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500)
        {
            return WriteEmpty(output, 0xE0);
        }

        return WriteReasonAndProperties(output, 0xE0, packet.ReasonCode, packet.Properties, propertiesRequired: false);
    }

    /// <summary>
    /// MQTT 5.0 §3.15 AUTH: <c>F0 00</c> for Success with no properties, otherwise reason code and properties.
    /// </summary>
    /// <returns>Bytes written.</returns>
    public static int WriteAuth(IBufferWriter<byte> output, in AuthPacket packet) =>
        WriteReasonAndProperties(output, 0xF0, packet.ReasonCode, packet.Properties, propertiesRequired: true);

    private static int WriteReasonAndProperties(IBufferWriter<byte> output, byte firstByte, MqttReasonCode reason,
        in MqttProperties properties, bool propertiesRequired)
    {
        if (reason == MqttReasonCode.Success && properties.IsEmpty)
        {
            return WriteEmpty(output, firstByte);
        }

        // AUTH always follows its reason code with a property length; DISCONNECT may stop after the code.
        bool withProperties = propertiesRequired || !properties.IsEmpty;
        int remaining = 1 + (withProperties ? PropertiesSize(properties, MqttProtocolVersion.V500) : 0);
        MqttSpanWriter writer = Begin(output, firstByte, remaining, out int total);
        writer.WriteByte((byte)reason);
        if (withProperties)
        {
            writer.WriteProperties(properties);
        }

        output.Advance(total);
        return total;
    }
}
