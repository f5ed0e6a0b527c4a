using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Sessions;

/// <summary>Resends on reconnect (the specification's rule) and on a retry interval (paho's), each counted.</summary>
public class ResendTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void OnReconnectWithTheSessionPresentUnacknowledgedPublishesGoAgainWithDupAndPubRelsAgain(MqttProtocolVersion version)
    {
        var h = new SessionHarness(new MqttSessionOptions { ClientId = "c", ProtocolVersion = version, CleanStart = false }).Connected();
        ushort q1 = h.Publish(MqttQualityOfService.AtLeastOnce);
        ushort q2a = h.Publish(MqttQualityOfService.ExactlyOnce);
        ushort q2b = h.Publish(MqttQualityOfService.ExactlyOnce);
        h.Feed($"50 02 00 {q2b:X2}"); // q2b reached PUBREL; its PUBCOMP is lost with the connection
        h.Sent();

        h.Session.ConnectionLost();
        h.Now += 1_000;
        h.Connected(sessionPresent: true);

        // §4.6: in the original order. q2b is past PUBREC, so it gets PUBREL, not its PUBLISH.
        Assert.Equal([$"PUBLISH qos=1 id={q1} dup=1", $"PUBLISH qos=2 id={q2a} dup=1", $"PUBREL id={q2b}"], h.Sent());
        Assert.Equal(1, h.Session.Resends[ResendCounters.Kind.PublishQoS1, ResendCause.Reconnect]);
        Assert.Equal(1, h.Session.Resends[ResendCounters.Kind.PublishQoS2, ResendCause.Reconnect]);
        Assert.Equal(1, h.Session.Resends[ResendCounters.Kind.PubRel, ResendCause.Reconnect]);

        h.Feed($"40 02 00 {q1:X2} 50 02 00 {q2a:X2} 70 02 00 {q2b:X2}");
        Assert.Equal([$"PUBREL id={q2a}"], h.Sent());
        h.Feed($"70 02 00 {q2a:X2}");
        Assert.Equal(3, h.Events.Completions.Count);
        Assert.All(h.Events.Completions, c => Assert.Equal(1, c.Resends));
    }

    [Fact]
    public void WithoutTheSessionPresentInFlightMessagesAreAbandonedNotResent()
    {
        var h = new SessionHarness(new MqttSessionOptions { ClientId = "c", CleanStart = false }).Connected();
        h.Publish(MqttQualityOfService.AtLeastOnce);
        h.Sent();
        h.Session.ConnectionLost();
        h.Connected(sessionPresent: false);
        Assert.Empty(h.Sent());
        Assert.Equal(0, h.Session.InFlight);
        Assert.False(h.Events.Completions.Single().Succeeded);
        Assert.Equal(0, h.Session.Resends.Total);
    }

    [Fact]
    public void TheIntervalPolicyResendsWhatWaitedLongerThanTheInterval()
    {
        var h = new SessionHarness(new MqttSessionOptions
        {
            ClientId = "c", Resend = ResendPolicy.Interval(TimeSpan.FromTicks(1)), KeepAlive = TimeSpan.Zero,
        }).Connected();
        long interval = System.Diagnostics.Stopwatch.Frequency / TimeSpan.TicksPerSecond; // one TimeSpan tick in Stopwatch ticks, at least
        ushort id = h.Publish(MqttQualityOfService.AtLeastOnce);
        h.Sent();
        h.Session.Poll(h.Output, h.Now); // not yet due
        Assert.Empty(h.Sent());
        h.Now += Math.Max(1, interval) + 1;
        h.Session.Poll(h.Output, h.Now);
        Assert.Equal([$"PUBLISH qos=1 id={id} dup=1"], h.Sent());
        Assert.Equal(1, h.Session.Resends[ResendCounters.Kind.PublishQoS1, ResendCause.Interval]);
    }

    [Fact]
    public void IntervalResendsUnderVersion5NeedAnExplicitOptIn()
    {
        var options = new MqttSessionOptions { ProtocolVersion = MqttProtocolVersion.V500, Resend = ResendPolicy.Interval(TimeSpan.FromSeconds(1)) };
        Assert.Throws<ArgumentException>(() => new MqttSession(options, new RecordingEvents()));
        _ = new MqttSession(options with { Resend = ResendPolicy.Interval(TimeSpan.FromSeconds(1), allowUnderVersion5: true) }, new RecordingEvents());
    }

    [Fact]
    public void KeepAliveSendsPingReqWhenIdleAndPingRespClearsIt()
    {
        var h = new SessionHarness(new MqttSessionOptions { ClientId = "c", KeepAlive = TimeSpan.FromSeconds(1) }).Connected();
        h.Session.Poll(h.Output, h.Now);
        Assert.Empty(h.Sent());
        h.Now += System.Diagnostics.Stopwatch.Frequency;
        h.Session.Poll(h.Output, h.Now);
        Assert.Equal(["PINGREQ"], h.Sent());
        Assert.False(h.Session.IsKeepAliveOverdue(h.Now));
        Assert.True(h.Session.IsKeepAliveOverdue(h.Now + System.Diagnostics.Stopwatch.Frequency + 1));
        h.Feed("D0 00");
        Assert.False(h.Session.IsKeepAliveOverdue(h.Now + 10 * System.Diagnostics.Stopwatch.Frequency));
    }
}
