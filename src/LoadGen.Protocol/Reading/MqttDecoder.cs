using System.Buffers;
using System.Runtime.CompilerServices;

namespace LoadGen.Protocol;

/// <summary>
/// Turns a <see cref="MqttFrame"/> into a packet view, checking every rule of the specification that the bytes alone
/// can break. One method per packet type, in partial files named after the packet. Nothing is copied: strings,
/// payloads and property blocks in the result are slices of the frame.
/// </summary>
public static partial class MqttDecoder
{
    /// <summary>
    /// Decodes any packet and discards the result: the check a proxy or a fuzzer wants. Throws
    /// <see cref="MqttProtocolException"/> when the packet breaks a rule of <paramref name="version"/>.
    /// </summary>
    public static void Validate(in MqttFrame frame, MqttProtocolVersion version)
    {
        switch (frame.Type)
        {
            case MqttPacketType.Connect: DecodeConnect(frame); break;
            case MqttPacketType.ConnAck: DecodeConnAck(frame, version); break;
            case MqttPacketType.Publish: DecodePublish(frame, version); break;
            case MqttPacketType.PubAck:
            case MqttPacketType.PubRec:
            case MqttPacketType.PubRel:
            case MqttPacketType.PubComp: DecodeAck(frame, version); break;
            case MqttPacketType.Subscribe: DecodeSubscribe(frame, version); break;
            case MqttPacketType.SubAck: DecodeSubAck(frame, version); break;
            case MqttPacketType.Unsubscribe: DecodeUnsubscribe(frame, version); break;
            case MqttPacketType.UnsubAck: DecodeUnsubAck(frame, version); break;
            case MqttPacketType.PingReq:
            case MqttPacketType.PingResp: DecodePing(frame); break;
            case MqttPacketType.Disconnect: DecodeDisconnect(frame, version); break;
            case MqttPacketType.Auth: DecodeAuth(frame, version); break;
            default:
                MqttProtocolException.Malformed(MqttViolation.ReservedPacketType, $"Packet type {(int)frame.Type} is reserved.");
                break;
        }
    }

    /// <summary>MQTT 5.0 §3.12 PINGREQ / §3.13 PINGRESP: a fixed header and nothing else.</summary>
    public static void DecodePing(in MqttFrame frame)
    {
        if (frame.Type is not (MqttPacketType.PingReq or MqttPacketType.PingResp))
        {
            WrongType(frame, MqttPacketType.PingReq);
        }

        if (frame.RemainingLength != 0)
        {
            MqttProtocolException.TrailingBytes(frame.Type, frame.RemainingLength);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpectType(in MqttFrame frame, MqttPacketType expected)
    {
        if (frame.Type != expected)
        {
            WrongType(frame, expected);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WrongType(in MqttFrame frame, MqttPacketType expected) =>
        throw new ArgumentException($"The frame is a {frame.Type}, not a {expected}.", nameof(frame));

    // MQTT 5.0 §2.2.1 [MQTT-2.2.1-3]: SUBSCRIBE, UNSUBSCRIBE and QoS > 0 PUBLISH carry a non-zero identifier,
    // and acknowledgements echo it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort ReadPacketId(ref MqttReader reader, MqttPacketType type)
    {
        ushort id = reader.ReadUInt16("packet identifier");
        if (id == 0)
        {
            MqttProtocolException.ZeroPacketIdentifier(type);
        }

        return id;
    }

    // MQTT 5.0 §2.2.2.1: a variable byte integer Property Length, then the properties.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static MqttProperties ReadProperties(ref MqttReader reader, MqttPropertyContext context)
    {
        int length = reader.ReadVariableByteInteger("property length");
        if (length == 0)
        {
            return default;
        }

        ReadOnlySequence<byte> block = reader.ReadBytes(length, "properties");
        MqttPropertyRules.Validate(block, context);
        return new MqttProperties(block);
    }

    private static void CheckReasonCode(byte code, in ReasonCodeSet allowed, MqttPacketType type)
    {
        if (!allowed.Contains(code))
        {
            MqttProtocolException.InvalidReasonCode(code, type);
        }
    }
}
