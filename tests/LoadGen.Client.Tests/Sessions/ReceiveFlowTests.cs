using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Sessions;

/// <summary>The receiver's side: what a session sends back and when it delivers, per QoS.</summary>
public class ReceiveFlowTests
{
    private static SessionHarness Connected(MqttProtocolVersion version = MqttProtocolVersion.V311) =>
        new SessionHarness(new MqttSessionOptions { ClientId = "c", ProtocolVersion = version }).Connected();

    [Fact]
    public void QoS0IsDeliveredAndNotAnswered()
    {
        SessionHarness h = Connected();
        h.Feed("30 04 0001 74 70");
        Assert.Empty(h.Sent());
        Assert.Equal("message t=p qos=0", h.Events.Lines.Last());
    }

    [Fact]
    public void QoS1IsDeliveredThenAcknowledged()
    {
        SessionHarness h = Connected();
        h.Feed("32 06 0001 74 0009 70");
        Assert.Equal(["PUBACK id=9"], h.Sent());
        Assert.Equal("message t=p qos=1", h.Events.Lines.Last());
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void QoS2IsHeldUntilPubRelDeliveredOnceAndCompleted(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        string publish = version == MqttProtocolVersion.V500 ? "34 07 0001 74 0007 00 70" : "34 06 0001 74 0007 70";
        string dupPublish = "3C" + publish[2..];

        h.Feed(publish); // step 2: PUBREC, nothing delivered yet
        Assert.Equal(["PUBREC id=7"], h.Sent());
        Assert.Equal(0, h.Events.MessagesDelivered);
        Assert.Equal(1, h.Session.HeldMessageCount);

        h.Feed(dupPublish); // the sender missed our PUBREC: PUBREC again, still held once
        Assert.Equal(["PUBREC id=7"], h.Sent());
        Assert.Equal(1, h.Session.HeldMessageCount);
        Assert.Equal(1, h.Session.Resends[ResendCounters.Kind.PubRec, ResendCause.Interval]);

        h.Feed("62 02 0007"); // steps 6 and 7: forward once, PUBCOMP
        Assert.Equal(["PUBCOMP id=7"], h.Sent());
        Assert.Equal(1, h.Events.MessagesDelivered);
        Assert.Equal("message t=p qos=2", h.Events.Lines.Last());

        h.Feed("62 02 0007"); // a repeated PUBREL is completed again, never delivered twice
        Assert.Equal([version == MqttProtocolVersion.V500 ? "PUBCOMP id=7 rc=146" : "PUBCOMP id=7"], h.Sent());
        Assert.Equal(1, h.Events.MessagesDelivered);
        Assert.Equal(0, h.Session.HeldMessageCount);
    }

    [Fact]
    public void SubscribeIsAcknowledgedWithTheGrantedQoSList()
    {
        SessionHarness h = Connected();
        ushort id = h.Session.Subscribe(h.Output, MqttSubscriptionList.Create(new MqttSubscription("a/#", MqttQualityOfService.ExactlyOnce)), h.Now);
        Assert.Equal([$"SUBSCRIBE id={id}"], h.Sent());
        h.Feed($"90 03 {id:X4} 02");
        Assert.Equal($"suback id={id} granted=02", h.Events.Lines.Last());
    }

    [Fact]
    public void ABrokerSendingSubscribeIsAProtocolError()
    {
        SessionHarness h = Connected();
        var ex = Assert.Throws<MqttProtocolException>(() => h.Feed("82 06 0001 0001 61 00"));
        Assert.Equal(MqttViolation.WrongDirection, ex.Violation);
    }
}
