using System.Buffers;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Sessions;

/// <summary>
/// MQTT 5.0 topic aliases (§3.3.2.3.4) as the session uses them: up to the broker's Topic Alias Maximum, the first
/// PUBLISH of a topic carries topic and alias and later ones the alias alone; a topic beyond the maximum goes by name;
/// a new connection starts with no mapping; a resend always names its topic.
/// </summary>
public class TopicAliasTests
{
    private static readonly ReadOnlyMemory<byte> A = Encoding.UTF8.GetBytes("fleet/a"), B = Encoding.UTF8.GetBytes("fleet/b"), C = Encoding.UTF8.GetBytes("fleet/c");

    [Fact]
    public void TheFirstMessageMapsTheTopicTheRestSendTheAliasAloneUpToTheBrokersMaximum()
    {
        SessionHarness h = Connect(aliasMaximum: 2);
        var wire = new ArrayBufferWriter<byte>();

        Assert.Equal(("fleet/a", 1), Publish(h, wire, A));
        Assert.Equal(("", 1), Publish(h, wire, A));
        Assert.Equal(("fleet/b", 2), Publish(h, wire, B));
        // The broker allows two: a third topic goes by name, without an alias.
        Assert.Equal(("fleet/c", 0), Publish(h, wire, C));
        Assert.Equal(("", 2), Publish(h, wire, B));
        Assert.Equal(2, h.Session.AliasedPublishes);
    }

    [Fact]
    public void ABrokerThatAllowsNoAliasesGetsTopicsByName()
    {
        SessionHarness h = Connect(aliasMaximum: 0);
        var wire = new ArrayBufferWriter<byte>();

        Assert.Equal(("fleet/a", 0), Publish(h, wire, A));
        Assert.Equal(("fleet/a", 0), Publish(h, wire, A));
    }

    [Fact]
    public void AnAliasOnlyMessageIsSmallerOnTheWireAndItsResendNamesTheTopic()
    {
        SessionHarness h = Connect(aliasMaximum: 10);
        var wire = new ArrayBufferWriter<byte>();
        Publish(h, wire, A);
        long first = h.Session.PublishBytesSent;
        Publish(h, wire, A);
        long second = h.Session.PublishBytesSent - first;

        // Alias alone: the 7-byte topic goes; the alias property (3 bytes) stays.
        Assert.Equal(first - 7, second);

        // A new connection with the session present: both unacknowledged messages are resent with DUP, each by name
        // (the old connection's mapping is gone); then the new connection maps the topic afresh.
        h.Session.ConnectionLost();
        h.Session.Connect(h.Output, h.Now);
        h.Sent();
        h.Feed("20 06 01 00 03 22 00 0a");
        Assert.Equal([("fleet/a", 0, true), ("fleet/a", 0, true)], h.SentPublishes());
        Assert.Equal(("fleet/a", 1), Publish(h, wire, A));
    }

    private static SessionHarness Connect(ushort aliasMaximum)
    {
        var h = new SessionHarness(new MqttSessionOptions { ClientId = "c", ProtocolVersion = MqttProtocolVersion.V500, UseTopicAliases = true });
        h.Session.Connect(h.Output, h.Now);
        h.Sent();
        h.Feed($"20 06 00 00 03 22 {aliasMaximum >> 8:x2} {aliasMaximum & 0xFF:x2}");
        return h;
    }

    private static (string Topic, int Alias) Publish(SessionHarness h, ArrayBufferWriter<byte> wire, ReadOnlyMemory<byte> topic)
    {
        wire.ResetWrittenCount();
        Assert.True(h.Session.Publish(wire, topic, "x"u8.ToArray(), MqttQualityOfService.AtLeastOnce, false, h.Now, out _));
        var buffer = new ReadOnlySequence<byte>(wire.WrittenMemory.ToArray());
        Assert.Equal(OperationStatus.Done, MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame));
        PublishPacket packet = MqttDecoder.DecodePublish(frame, MqttProtocolVersion.V500);
        int alias = packet.Properties.TryGetValue(MqttPropertyId.TopicAlias, out uint value) ? (int)value : 0;
        return (Encoding.UTF8.GetString(packet.Topic), alias);
    }
}
