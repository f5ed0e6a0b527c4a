using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// One outgoing QoS 1 or 2 message held until its handshake completes, so it can be resent with DUP=1. The topic and
/// payload (and the encoded 5.0 properties) are the caller's memory, referenced, not copied: the caller keeps them alive
/// until the completion event.
/// Timestamps are <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> ticks.
/// </summary>
internal struct OutboundMessage
{
    public ushort PacketId;
    public OutboundState State;
    public MqttQualityOfService QoS;
    public bool Retain;
    public ReadOnlyMemory<byte> Topic;
    public ReadOnlyMemory<byte> Payload;
    public ReadOnlyMemory<byte> Properties;
    public long Sequence;
    public long FirstSentTicks;
    public long LastSentTicks;
    public long PubRecTicks;
    public long PubRelSentTicks;
    public int Resends;
}
