using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Sessions;

/// <summary>The sender's side of QoS 0, 1 and 2, packet by packet, as the seed's steps describe it.</summary>
public class PublishFlowTests
{
    private static SessionHarness Connected(MqttProtocolVersion version = MqttProtocolVersion.V311, int window = 16) =>
        new SessionHarness(new MqttSessionOptions { ClientId = "c", ProtocolVersion = version, InflightWindow = window }).Connected();

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void QoS0IsOnePublishAndCompletesOnceWritten(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Publish(MqttQualityOfService.AtMostOnce);
        Assert.Equal(["PUBLISH qos=0 id=0 dup=0"], h.Sent());
        Assert.Equal("published id=0 qos=0 rc=0 resends=0", h.Events.Lines.Last());
        Assert.Equal(0, h.Session.InFlight);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void QoS1IsPublishThenPubAckAndCompletesOnPubAck(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        ushort id = h.Publish(MqttQualityOfService.AtLeastOnce);
        Assert.Equal([$"PUBLISH qos=1 id={id} dup=0"], h.Sent());
        Assert.Equal(1, h.Session.InFlight);
        Assert.DoesNotContain(h.Events.Lines, l => l.StartsWith("published", StringComparison.Ordinal));

        h.Now += 250;
        h.Feed($"40 02 00 {id:X2}");
        Assert.Empty(h.Sent());
        Assert.Equal($"published id={id} qos=1 rc=0 resends=0", h.Events.Lines.Last());
        PublishCompletion done = h.Events.Completions.Single();
        Assert.Equal(250, done.CompletedTicks - done.FirstSentTicks);
        Assert.Equal(0, h.Session.InFlight);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void QoS2IsPublishPubRecPubRelPubCompWithEachLegTimed(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        long start = h.Now;
        ushort id = h.Publish(MqttQualityOfService.ExactlyOnce);
        Assert.Equal([$"PUBLISH qos=2 id={id} dup=0"], h.Sent());

        h.Now += 100; // step 2: PUBREC arrives; step 4: PUBREL goes out
        h.Feed($"50 02 00 {id:X2}");
        Assert.Equal([$"PUBREL id={id}"], h.Sent());
        Assert.Empty(h.Events.Completions);

        h.Now += 40; // step 9: PUBCOMP completes the flow
        h.Feed($"70 02 00 {id:X2}");
        Assert.Empty(h.Sent());
        PublishCompletion done = h.Events.Completions.Single();
        Assert.Equal((start, start + 100, start + 100, start + 140), (done.FirstSentTicks, done.PubRecTicks, done.PubRelSentTicks, done.CompletedTicks));
        Assert.Equal(0, h.Session.InFlight);
    }

    [Fact]
    public void AFailurePubRecEndsTheQoS2FlowWithoutPubRel()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        ushort id = h.Publish(MqttQualityOfService.ExactlyOnce);
        h.Sent();
        h.Feed($"50 03 00 {id:X2} 87"); // Not authorized
        Assert.Empty(h.Sent());
        Assert.Equal(MqttReasonCode.NotAuthorized, h.Events.Completions.Single().ReasonCode);
        Assert.False(h.Events.Completions.Single().Succeeded);
    }

    [Fact]
    public void ARepeatedPubRecIsAnsweredWithPubRelAgainAndCounted()
    {
        SessionHarness h = Connected();
        ushort id = h.Publish(MqttQualityOfService.ExactlyOnce);
        h.Feed($"50 02 00 {id:X2}");
        h.Sent();
        h.Feed($"50 02 00 {id:X2}");
        Assert.Equal([$"PUBREL id={id}"], h.Sent());
        Assert.Equal(1, h.Session.Resends[ResendCounters.Kind.PubRel, ResendCause.Interval]);
    }

    [Fact]
    public void PubAckForAMessageWaitingForPubRecIsAProtocolError()
    {
        SessionHarness h = Connected();
        ushort id = h.Publish(MqttQualityOfService.ExactlyOnce);
        var ex = Assert.Throws<MqttProtocolException>(() => h.Feed($"40 02 00 {id:X2}"));
        Assert.Equal(MqttViolation.UnexpectedAcknowledgement, ex.Violation);
    }

    [Fact]
    public void TheWindowRefusesPublishesBeyondItsSizeAndReopensOnAcknowledgement()
    {
        SessionHarness h = Connected(window: 2);
        ushort a = h.Publish(MqttQualityOfService.AtLeastOnce);
        h.Publish(MqttQualityOfService.AtLeastOnce);
        Assert.True(h.Session.IsWindowFull);
        Assert.False(h.Session.Publish(h.Output, SessionHarness.Topic, SessionHarness.Payload, MqttQualityOfService.AtLeastOnce, false, h.Now, out _));
        Assert.Equal(2, h.Sent().Count);
        h.Feed($"40 02 00 {a:X2}");
        Assert.False(h.Session.IsWindowFull);
        h.Publish(MqttQualityOfService.AtLeastOnce);
    }

    [Fact]
    public void TheBrokersReceiveMaximumCapsTheWindow()
    {
        var h = new SessionHarness(new MqttSessionOptions { ClientId = "c", ProtocolVersion = MqttProtocolVersion.V500, InflightWindow = 10 });
        h.Session.Connect(h.Output, h.Now);
        h.Sent();
        h.Feed("20 06 00 00 03 21 0003"); // Receive Maximum 3
        for (int i = 0; i < 3; i++)
        {
            h.Publish(MqttQualityOfService.AtLeastOnce);
        }

        Assert.True(h.Session.IsWindowFull);
    }
}
