using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>UNSUBACK (MQTT 3.1.1 §3.11, MQTT 5.0 §3.11).</summary>
public readonly struct UnsubAckPacket
{
    /// <summary>The identifier of the UNSUBSCRIBE being acknowledged.</summary>
    public ushort PacketId { get; init; }

    /// <summary>MQTT 5.0 properties.</summary>
    public MqttProperties Properties { get; init; }

    /// <summary>MQTT 5.0 only: one reason code per topic filter. Empty under 3.1.1, which has no payload.</summary>
    public ReadOnlySequence<byte> ReasonCodes { get; init; }
}
