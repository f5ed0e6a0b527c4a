using System.Buffers;
using System.Text;
using LoadGen.Protocol;
using LoadGen.Testing;

namespace LoadGen.Engine.Tests.Messages;

/// <summary>Payload and property templates: what each placeholder renders, the bounds, and no allocation per message.</summary>
public class MessageTemplateTests
{
    private static readonly byte[] ClientId = Encoding.UTF8.GetBytes("sensor-7");
    private static readonly byte[] Group = Encoding.UTF8.GetBytes("devices");

    [Fact]
    public void EveryPlaceholderRendersItsValue()
    {
        MessageTemplate template = MessageTemplate.Parse("{\"id\":\"%c\",\"g\":\"%g\",\"i\":%i,\"seq\":%seq,\"ts\":%ts,\"r\":%rand_10,\"s\":\"%[on|off]\",\"pct\":\"5%%\"}");
        string text = template.RenderText(new MessageContext(ClientId, Group, 7, 42, 1_700_000_000_123, 99));

        Assert.StartsWith("{\"id\":\"sensor-7\",\"g\":\"devices\",\"i\":7,\"seq\":42,\"ts\":1700000000123,\"r\":", text, StringComparison.Ordinal);
        Assert.Matches("\"r\":[0-9],\"s\":\"(on|off)\",\"pct\":\"5%\"}$", text);
        Assert.True(template.HasSequence && template.HasTimestamp && !template.IsConstantPerSession);
        Assert.True(Encoding.UTF8.GetByteCount(text) <= template.MaxLength(ClientId.Length, Group.Length));
    }

    [Fact]
    public void RandomDrawsCoverTheRangeAndChoicesEveryOption()
    {
        MessageTemplate template = MessageTemplate.Parse("%rand_4/%[a|b|c]");
        var seen = new HashSet<string>();
        for (ulong entropy = 0; entropy < 400; entropy++)
        {
            seen.Add(template.RenderText(new MessageContext(ClientId, Group, 0, 0, 0, entropy)));
        }

        // Every one of the 4 × 3 combinations comes up: the two draws of a message are independent.
        Assert.Equal(12, seen.Count);
    }

    [Theory]
    [InlineData("%x", "unknown placeholder '%x'")]
    [InlineData("%rand_0", "'%rand_' needs a positive whole number")]
    [InlineData("%[a|b", "'%[' needs choices and a closing ']'")]
    public void ABadPlaceholderIsNamed(string text, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => MessageTemplate.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARenderedPayloadIsReadBackForItsSessionOnly()
    {
        MessageTemplate template = MessageTemplate.Parse("{\"id\":\"%c\",\"i\":%i,\"seq\":%seq,\"ts\":%ts,\"r\":%rand_1000,\"s\":\"%[on|once]\"}");
        for (ulong entropy = 0; entropy < 50; entropy++)
        {
            byte[] payload = Encoding.UTF8.GetBytes(template.RenderText(new MessageContext(ClientId, Group, 7, 1234 + (long)entropy, 1_700_000_000_123, entropy)));

            Assert.True(template.TryMatch(payload, new MessageContext(ClientId, Group, 7, 0, 0, 0), out long seq, out long ts));
            Assert.Equal(1234 + (long)entropy, seq);
            Assert.Equal(1_700_000_000_123, ts);
            // Another session's payload is not this one's.
            Assert.False(template.TryMatch(payload, new MessageContext(ClientId, Group, 8, 0, 0, 0), out _, out _));
        }

        Assert.False(template.TryMatch("{\"id\":\"sensor-7\"}"u8, new MessageContext(ClientId, Group, 7, 0, 0, 0), out _, out _));
    }

    private static readonly MessageTemplate Hot = MessageTemplate.Parse("{\"id\":\"%c\",\"seq\":%seq,\"ts\":%ts,\"temp\":%rand_100,\"s\":\"%[ok|warn]\"}");
    private static readonly PublishProperties HotProperties = new()
    {
        MessageExpiry = TimeSpan.FromSeconds(30),
        ContentType = "application/json",
        PayloadUtf8 = true,
        UserProperties = [("site", MessageTemplate.Parse("%g")), ("seq", MessageTemplate.Parse("%seq"))],
        CorrelationData = MessageTemplate.Parse("%c-%seq"),
        CarriesStamp = true,
    };

    private static readonly byte[] Buffer = new byte[1024];
    private static long _sequence;

    [Fact]
    public void RenderingAPayloadAndItsPropertiesAllocatesNothing()
    {
        long bytes = AllocationProbe.SteadyStateBytes(() =>
        {
            long seq = _sequence++;
            var context = new MessageContext(ClientId, Group, 7, seq, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (ulong)seq);
            int payload = Hot.Render(Buffer.AsSpan(16), context);
            HotProperties.Write(Buffer.AsSpan(16 + payload), context, Buffer.AsSpan(0, 16));
        });

        Assert.Equal(0, bytes);
    }

    [Fact]
    public void PropertiesDecodeAsWrittenAndCarryTheStampBack()
    {
        byte[] stamp = [.. Enumerable.Range(1, 16).Select(i => (byte)(i * 15))];
        byte[] block = new byte[HotProperties.MaxLength(ClientId.Length, Group.Length)];
        int length = HotProperties.Write(block, new MessageContext(ClientId, Group, 7, 42, 0, 0), stamp);
        var properties = new MqttProperties(new ReadOnlySequence<byte>(block, 0, length));

        Assert.True(properties.TryGetValue(MqttPropertyId.MessageExpiryInterval, out uint expiry) && expiry == 30);
        Assert.True(properties.TryGetValue(MqttPropertyId.PayloadFormatIndicator, out uint format) && format == 1);
        Assert.True(properties.TryGetData(MqttPropertyId.ContentType, out ReadOnlySequence<byte> contentType));
        Assert.Equal("application/json", Encoding.UTF8.GetString(contentType));
        Assert.True(properties.TryGetData(MqttPropertyId.CorrelationData, out ReadOnlySequence<byte> correlation));
        Assert.Equal("sensor-7-42", Encoding.UTF8.GetString(correlation));
        var users = new List<string>();
        foreach (MqttProperty property in properties)
        {
            if (property.Id == MqttPropertyId.UserProperty)
            {
                users.Add($"{Encoding.UTF8.GetString(property.Data)}={Encoding.UTF8.GetString(property.PairValue)}");
            }
        }

        Assert.Equal(["site=devices", "seq=42", $"{PublishProperties.StampProperty}={Convert.ToHexStringLower(stamp)}"], users);
        byte[] read = new byte[16];
        Assert.True(PublishProperties.TryReadStamp(properties, read));
        Assert.Equal(stamp, read);
    }
}

/// <summary>The 3.1.1 reply topic convention: %1 to %9 are the request topic's levels.</summary>
public class ReplyTopicTests
{
    [Theory]
    [InlineData("rpc/reply/%3", "rpc/request/device-7", "rpc/reply/device-7")]
    [InlineData("%2/%1/done%%", "a/b", "b/a/done%")]
    [InlineData("r/%3", "a/b", null)]
    public void LevelsOfTheRequestTopicFillTheReplyTopic(string template, string request, string? expected)
    {
        byte[] buffer = new byte[64];
        int length = ReplyTopic.Parse(template).Render(new System.Buffers.ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(request)), buffer);
        Assert.Equal(expected, length < 0 ? null : Encoding.UTF8.GetString(buffer, 0, length));
    }
}
