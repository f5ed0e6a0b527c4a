using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

/// <summary>A set of byte values as a 256-bit mask: the reason codes the specification lists for one packet type.</summary>
internal readonly struct ReasonCodeSet
{
    private readonly ulong _b0, _b1, _b2, _b3;

    public ReasonCodeSet(params ReadOnlySpan<byte> codes)
    {
        foreach (byte c in codes)
        {
            ulong bit = 1UL << (c & 63);
            switch (c >> 6)
            {
                case 0: _b0 |= bit; break;
                case 1: _b1 |= bit; break;
                case 2: _b2 |= bit; break;
                default: _b3 |= bit; break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(byte code)
    {
        ulong word = (code >> 6) switch { 0 => _b0, 1 => _b1, 2 => _b2, _ => _b3 };
        return (word & (1UL << (code & 63))) != 0;
    }

    // MQTT 5.0 §3.2.2.2 CONNACK reason codes.
    public static readonly ReasonCodeSet ConnAckV5 = new(0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
        0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);

    // MQTT 3.1.1 §3.2.2.3 table 3.1: return codes 0 to 5.
    public static readonly ReasonCodeSet ConnAckV311 = new(0, 1, 2, 3, 4, 5);

    // MQTT 5.0 §3.4.2.1 PUBACK and §3.5.2.1 PUBREC reason codes.
    public static readonly ReasonCodeSet PubAckOrPubRec = new(0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);

    // MQTT 5.0 §3.6.2.1 PUBREL and §3.7.2.1 PUBCOMP reason codes.
    public static readonly ReasonCodeSet PubRelOrPubComp = new(0x00, 0x92);

    // MQTT 3.1.1 §3.9.3 SUBACK return codes.
    public static readonly ReasonCodeSet SubAckV311 = new(0x00, 0x01, 0x02, 0x80);

    // MQTT 5.0 §3.9.3 SUBACK reason codes.
    public static readonly ReasonCodeSet SubAckV5 = new(0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2);

    // MQTT 5.0 §3.11.3 UNSUBACK reason codes.
    public static readonly ReasonCodeSet UnsubAckV5 = new(0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91);

    // MQTT 5.0 §3.14.2.1 DISCONNECT reason codes.
    public static readonly ReasonCodeSet DisconnectV5 = new(0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D,
        0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2);

    // MQTT 5.0 §3.15.2.1 AUTH reason codes.
    public static readonly ReasonCodeSet AuthV5 = new(0x00, 0x18, 0x19);
}
