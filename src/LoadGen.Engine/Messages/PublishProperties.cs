using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Engine;

/// <summary>
/// A publisher group's MQTT 5.0 PUBLISH properties (§3.3.2.3), encoded per message into the message's own pooled
/// buffer: Message Expiry Interval, Content Type, Payload Format Indicator, Response Topic, Correlation Data, user
/// properties with templated values, and the LoadGen stamp when the payload itself cannot carry it.
/// </summary>
public sealed record PublishProperties
{
    /// <summary>The user property that carries the stamp of a templated payload (5.0), 32 hexadecimal digits.</summary>
    public const string StampProperty = "loadgen-stamp";

    private static readonly byte[] StampName = Encoding.UTF8.GetBytes(StampProperty);

    /// <summary>Message Expiry Interval; zero for none.</summary>
    public TimeSpan MessageExpiry { get; init; }

    /// <summary>Content Type, or null.</summary>
    public string? ContentType { get; init; }

    /// <summary>Payload Format Indicator: true says UTF-8, false unspecified bytes, null leaves it out.</summary>
    public bool? PayloadUtf8 { get; init; }

    /// <summary>User properties, in order; values are templates.</summary>
    public IReadOnlyList<(string Name, MessageTemplate Value)> UserProperties { get; init; } = [];

    /// <summary>Response Topic, a template (per session), or null.</summary>
    public MessageTemplate? ResponseTopic { get; init; }

    /// <summary>Correlation Data, a template, or null.</summary>
    public MessageTemplate? CorrelationData { get; init; }

    /// <summary>True when the stamp travels in <see cref="StampProperty"/>.</summary>
    public bool CarriesStamp { get; init; }

    /// <summary>A requester's request: the Correlation Data is the request's 16-byte stamp, which the responder hands back.</summary>
    public bool StampAsCorrelation { get; init; }

    /// <summary>True when nothing would be written.</summary>
    public bool IsEmpty => MessageExpiry == TimeSpan.Zero && ContentType is null && PayloadUtf8 is null && UserProperties.Count == 0
        && ResponseTopic is null && CorrelationData is null && !CarriesStamp && !StampAsCorrelation;

    /// <summary>The most bytes one message's block can take.</summary>
    public int MaxLength(int clientIdLength, int groupLength)
    {
        int length = (MessageExpiry > TimeSpan.Zero ? 5 : 0) + (PayloadUtf8 is null ? 0 : 2)
            + (ContentType is null ? 0 : 3 + Encoding.UTF8.GetByteCount(ContentType))
            + (ResponseTopic is null ? 0 : 3 + ResponseTopic.MaxLength(clientIdLength, groupLength))
            + (CorrelationData is null ? 0 : 3 + CorrelationData.MaxLength(clientIdLength, groupLength))
            + (CarriesStamp ? 5 + StampName.Length + 32 : 0)
            + (StampAsCorrelation ? 3 + PayloadStamp.Size : 0);
        foreach ((string name, MessageTemplate value) in UserProperties)
        {
            length += 5 + Encoding.UTF8.GetByteCount(name) + value.MaxLength(clientIdLength, groupLength);
        }

        return length;
    }

    /// <summary>Writes one message's block; <paramref name="stamp"/> is the 16-byte stamp (used with <see cref="CarriesStamp"/>).</summary>
    /// <returns>Bytes written.</returns>
    public int Write(Span<byte> destination, in MessageContext context, ReadOnlySpan<byte> stamp)
    {
        int at = 0;
        if (PayloadUtf8 is bool utf8)
        {
            destination[at++] = (byte)MqttPropertyId.PayloadFormatIndicator;
            destination[at++] = utf8 ? (byte)1 : (byte)0;
        }

        if (MessageExpiry > TimeSpan.Zero)
        {
            destination[at++] = (byte)MqttPropertyId.MessageExpiryInterval;
            BinaryPrimitives.WriteUInt32BigEndian(destination[at..], (uint)Math.Min(uint.MaxValue, Math.Ceiling(MessageExpiry.TotalSeconds)));
            at += 4;
        }

        if (ContentType is not null)
        {
            destination[at++] = (byte)MqttPropertyId.ContentType;
            at += WriteString(destination[at..], ContentType);
        }

        if (ResponseTopic is not null)
        {
            destination[at++] = (byte)MqttPropertyId.ResponseTopic;
            at += WriteTemplate(destination[at..], ResponseTopic, context);
        }

        if (CorrelationData is not null)
        {
            destination[at++] = (byte)MqttPropertyId.CorrelationData;
            at += WriteTemplate(destination[at..], CorrelationData, context);
        }

        if (StampAsCorrelation)
        {
            // Binary data may be any bytes [MQTT-3.3.2.3.6]: the stamp goes as it is.
            destination[at++] = (byte)MqttPropertyId.CorrelationData;
            BinaryPrimitives.WriteUInt16BigEndian(destination[at..], PayloadStamp.Size);
            stamp[..PayloadStamp.Size].CopyTo(destination[(at + 2)..]);
            at += 2 + PayloadStamp.Size;
        }

        // Indexed: a foreach over the interface would allocate an enumerator per message.
        for (int i = 0; i < UserProperties.Count; i++)
        {
            (string name, MessageTemplate value) = UserProperties[i];
            destination[at++] = (byte)MqttPropertyId.UserProperty;
            at += WriteString(destination[at..], name);
            at += WriteTemplate(destination[at..], value, context);
        }

        if (CarriesStamp)
        {
            destination[at++] = (byte)MqttPropertyId.UserProperty;
            BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)StampName.Length);
            StampName.CopyTo(destination[(at + 2)..]);
            at += 2 + StampName.Length;
            BinaryPrimitives.WriteUInt16BigEndian(destination[at..], 32);
            at += 2;
            for (int i = 0; i < 16; i++)
            {
                // Hexadecimal: a user property value is a UTF-8 string [MQTT-1.5.4-1], which raw stamp bytes are not.
                destination[at++] = Hex(stamp[i] >> 4);
                destination[at++] = Hex(stamp[i] & 0xF);
            }
        }

        return at;
    }

    /// <summary>Reads the stamp from a received message's properties; false when it carries none.</summary>
    public static bool TryReadStamp(in MqttProperties properties, Span<byte> stamp)
    {
        foreach (MqttProperty property in properties)
        {
            if (property.Id != MqttPropertyId.UserProperty || property.Data.Length != StampName.Length || property.PairValue.Length != 32)
            {
                continue;
            }

            Span<byte> name = stackalloc byte[StampName.Length];
            property.Data.CopyTo(name);
            if (!name.SequenceEqual(StampName))
            {
                continue;
            }

            Span<byte> hex = stackalloc byte[32];
            property.PairValue.CopyTo(hex);
            for (int i = 0; i < 16; i++)
            {
                int high = FromHex(hex[2 * i]), low = FromHex(hex[(2 * i) + 1]);
                if (high < 0 || low < 0)
                {
                    return false;
                }

                stamp[i] = (byte)((high << 4) | low);
            }

            return true;
        }

        return false;
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static int FromHex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };

    private static int WriteString(Span<byte> destination, string text)
    {
        int length = Encoding.UTF8.GetBytes(text, destination[2..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)length);
        return 2 + length;
    }

    private static int WriteTemplate(Span<byte> destination, MessageTemplate template, in MessageContext context)
    {
        int length = template.Render(destination[2..], context);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)length);
        return 2 + length;
    }
}
