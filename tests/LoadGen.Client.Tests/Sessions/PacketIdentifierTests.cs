using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Sessions;

public class PacketIdentifierTests
{
    [Fact]
    public void IdentifiersAreNonZeroAndNeverReusedWhileInFlightOverManyWraps()
    {
        var window = new InflightWindow(37);
        var inFlight = new HashSet<ushort>();
        var random = new Random(7);
        for (int i = 0; i < 300_000; i++)
        {
            if (!window.IsFull && random.Next(3) != 0)
            {
                Assert.True(window.TryAdd(out ushort id, out int slot));
                window[slot].State = OutboundState.AwaitingPubAck;
                Assert.InRange(id, 1, InflightWindow.MaxPublishId);
                Assert.True(inFlight.Add(id), $"identifier {id} handed out while still in flight");
            }
            else if (inFlight.Count > 0)
            {
                // Acknowledge a random one: acknowledgements may come out of order.
                ushort done = inFlight.ElementAt(random.Next(inFlight.Count));
                int slot = window.Find(done);
                Assert.True(slot >= 0);
                window.Remove(slot);
                inFlight.Remove(done);
            }
        }

        Assert.Equal(inFlight.Count, window.Count);
    }

    [Fact]
    public void SubscribeIdentifiersDoNotCollideWithPublishIdentifiers()
    {
        var h = new SessionHarness(new MqttSessionOptions { ClientId = "c" }).Connected();
        ushort sub = h.Session.Subscribe(h.Output, MqttSubscriptionList.Create(new MqttSubscription("a", MqttQualityOfService.AtMostOnce)), h.Now);
        Assert.True(sub > InflightWindow.MaxPublishId);
    }
}
