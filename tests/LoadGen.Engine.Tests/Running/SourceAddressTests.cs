using System.Collections.Concurrent;
using System.Net;

namespace LoadGen.Engine.Tests.Running;

/// <summary><c>--source-ip</c>: sessions spread evenly over the source addresses, as the broker sees them.</summary>
public class SourceAddressTests
{
    [Fact]
    public async Task SessionsConnectFromEverySourceAddressInTurn()
    {
        var seen = new ConcurrentDictionary<string, int>();
        await using EmbeddedBroker broker = await EmbeddedBroker.StartAsync(e =>
        {
            seen.AddOrUpdate(((IPEndPoint)e.RemoteEndPoint).Address.ToString(), 1, (_, n) => n + 1);
            return Task.CompletedTask;
        });
        LoadProfile profile = ProfileLoader.Parse("""
            name: sources
            duration: 3s
            groups:
              - { name: pubs, role: publisher, sessions: 30, topic: "s/%i", qos: 1, stages: [ { inject: { rate: 60/s, during: 1s } } ] }
            """, "sources.yaml");
        RunResult result = await LoadRunner.RunAsync(profile, new RunOptions
        {
            Broker = $"mqtt://127.0.0.1:{broker.Port}",
            SourceAddresses = [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3"), IPAddress.Parse("127.0.0.4")],
        }, CancellationToken.None);

        Assert.Equal(30, result.Counters["sessions_connected"]);
        Assert.Equal(60, result.Counters["acknowledged"]);
        Assert.Equal(new Dictionary<string, int> { ["127.0.0.2"] = 10, ["127.0.0.3"] = 10, ["127.0.0.4"] = 10 }, seen.OrderBy(p => p.Key).ToDictionary());
    }
}
