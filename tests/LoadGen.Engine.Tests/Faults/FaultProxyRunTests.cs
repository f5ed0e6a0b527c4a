namespace LoadGen.Engine.Tests.Faults;

/// <summary>Runs through a proxy that breaks things: a malformed packet for one session, every connection cut.</summary>
public class FaultProxyRunTests
{
    private const string Profile = """
        name: faults
        duration: 8s
        groups:
          - name: pubs
            role: publisher
            sessions: 5
            clean_start: false
            reconnect_delay: RECONNECT
            topic: "faults/%i"
            qos: 1
            payload: 32
            stages: [ { inject: { rate: 200/s, during: 3s } } ]
        """;

    [Fact]
    public async Task AMalformedPacketFromTheBrokerClosesOneSessionWithItsReasonAndTheRunGoesOn()
    {
        await using EmbeddedBroker broker = await EmbeddedBroker.StartAsync();
        await using var proxy = new RecordingProxy(broker.Port);
        int pubacks = 0;
        // The 50th PUBACK arrives with reserved flag bits set (0x42 instead of 0x40): malformed in 3.1.1 (§2.2.2).
        proxy.Replace = (direction, packet) =>
            direction == "B>C" && packet == "PUBACK" && Interlocked.Increment(ref pubacks) == 50 ? [0x42, 0x02, 0x00, 0x01] : null;

        LoadProfile profile = ProfileLoader.Parse(Profile.Replace("RECONNECT", "0s", StringComparison.Ordinal), "faults.yaml");
        RunResult result = await LoadRunner.RunAsync(profile, new RunOptions { Broker = $"mqtt://127.0.0.1:{proxy.Port}" }, CancellationToken.None);

        (string reason, long count) = Assert.Single(result.Errors.Select(e => (e.Key, e.Value)));
        Assert.StartsWith("protocol error from broker: ", reason, StringComparison.Ordinal);
        Assert.Equal(1, count);
        Assert.False(result.Partial, result.PartialReason);
        // The other four sessions carried the rest of the 600 scheduled messages.
        Assert.Equal(600, result.Counters["sent"]);
        Assert.True(result.Counters["acknowledged"] >= 600 - 16, $"acknowledged {result.Counters["acknowledged"]}");
    }

    [Fact]
    public async Task SessionsThatLoseTheirConnectionReconnectAndResendWhatWasInFlight()
    {
        await using EmbeddedBroker broker = await EmbeddedBroker.StartAsync();
        await using var proxy = new RecordingProxy(broker.Port);
        int pubacks = 0;
        // From the 100th PUBACK on, ten are held back so messages are in flight; then every connection is cut.
        proxy.Drop = (direction, packet) =>
        {
            if (direction != "B>C" || packet != "PUBACK")
            {
                return false;
            }

            int n = Interlocked.Increment(ref pubacks);
            if (n == 100)
            {
                _ = Task.Delay(100).ContinueWith(_ => proxy.CutAll(), TaskScheduler.Default);
            }

            return n is >= 100 and < 110;
        };

        LoadProfile profile = ProfileLoader.Parse(Profile.Replace("RECONNECT", "200ms", StringComparison.Ordinal), "faults.yaml");
        RunResult result = await LoadRunner.RunAsync(profile, new RunOptions { Broker = $"mqtt://127.0.0.1:{proxy.Port}" }, CancellationToken.None);

        Assert.Equal(5, result.Counters["reconnects"]);
        Assert.True(result.Resends["qos1.publish.reconnect"] > 0, "nothing was resent on reconnect");
        Assert.Equal(result.Counters["sent"], result.Counters["acknowledged"]);
        Assert.All(result.Errors.Keys, reason => Assert.StartsWith("connection lost", reason, StringComparison.Ordinal));
        Assert.Contains(result.Timeline, p => p.Reconnects > 0);
    }
}
