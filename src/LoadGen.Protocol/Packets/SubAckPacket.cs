using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>SUBACK (MQTT 3.1.1 §3.9, MQTT 5.0 §3.9): one return or reason code per requested subscription.</summary>
public readonly struct SubAckPacket
{
    /// <summary>The identifier of the SUBSCRIBE being acknowledged.</summary>
    public ushort PacketId { get; init; }

    /// <summary>MQTT 5.0 properties.</summary>
    public MqttProperties Properties { get; init; }

    /// <summary>
    /// One byte per subscription: the granted QoS (0, 1, 2) or a failure code (0x80 and above), in request order.
    /// </summary>
    public ReadOnlySequence<byte> ReasonCodes { get; init; }
}
