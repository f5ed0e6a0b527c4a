using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Paho;

/// <summary>
/// The event-loop engine: clients join a loop through RunAsync, their QoS 1 and 2 flows complete on the loop's
/// thread, the next message published from a completion goes out at the end of the pass, and a connection closed from
/// any side leaves its loop and ends its run.
/// </summary>
public class EpollLoopTests
{
    [Theory]
    [MemberData(nameof(Broker.Names), MemberType = typeof(Broker))]
    public async Task ClientsOnTwoLoopsCompleteEveryQoS1And2MessageWithTheNextSentFromEachCompletion(string brokerName)
    {
        Assert.True(EpollLoop.IsSupported, "the epoll loop runs on Linux x64 and arm64, where these tests run");
        await using IBroker broker = await Broker.StartAsync(brokerName);
        using var loops = new EpollLoops(2);
        const int Clients = 6, PerClient = 300;
        var clients = new MqttClient[Clients];
        var runs = new Task<MqttErrorCode>[Clients];
        using var done = new CountdownEvent(Clients * PerClient);
        int failed = 0;
        var loopThreads = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        for (int i = 0; i < Clients; i++)
        {
            int qos = 1 + i % 2;
            int sent = 0;
            var client = new MqttClient(new MqttSessionOptions { ClientId = $"epoll-{brokerName}-{i}", InflightWindow = 8 }) { EventLoops = loops };
            client.OnPublishCompleted = (c, completion) =>
            {
                if (!completion.Succeeded)
                {
                    Interlocked.Increment(ref failed);
                }

                loopThreads[Thread.CurrentThread.Name ?? "?"] = 1;
                done.Signal();
                if (Interlocked.Increment(ref sent) <= PerClient - 8)
                {
                    if (c.Publish("epoll/t", "payload"u8.ToArray(), qos).Rc != MqttErrorCode.Success)
                    {
                        Interlocked.Increment(ref failed);
                    }

                    _ = c.FlushAsync();
                }
            };
            using var connected = new ManualResetEventSlim();
            client.OnConnect = (_, _, _, _) => connected.Set();
            Assert.Equal(MqttErrorCode.Success, client.Connect("127.0.0.1", broker.Port));
            runs[i] = client.RunAsync(CancellationToken.None);
            Assert.True(connected.Wait(TimeSpan.FromSeconds(10)), "no CONNACK through the loop");
            Assert.NotNull(client.CurrentLoop);
            for (int k = 0; k < 8; k++)
            {
                Assert.Equal(MqttErrorCode.Success, client.Publish("epoll/t", "payload"u8.ToArray(), qos).Rc);
            }

            await client.FlushAsync();
            clients[i] = client;
        }

        Assert.True(done.Wait(TimeSpan.FromSeconds(30)), $"{done.CurrentCount} of {Clients * PerClient} not completed");
        Assert.Equal(0, failed);
        Assert.All(loopThreads.Keys, name => Assert.StartsWith(EpollLoops.ThreadNamePrefix, name, StringComparison.Ordinal));
        Assert.Equal(Clients, loops.Loops.Sum(l => l.Count));
        Assert.True(loops.Loops.All(l => l.Count == Clients / 2), "the clients are spread over the loops");

        foreach (MqttClient client in clients)
        {
            client.Disconnect();
        }

        MqttErrorCode[] ends = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(ends, rc => Assert.Equal(MqttErrorCode.Success, rc));
        Assert.Equal(0, loops.Loops.Sum(l => l.Count));
        long passes = 0;
        foreach (long count in loops.Lag().Pass)
        {
            passes += count;
        }

        Assert.True(passes > 0, "the loops recorded their passes");
        foreach (MqttClient client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task ABrokerThatGoesAwayEndsTheRunWithConnectionLostAndTheClientLeavesItsLoop()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await using var proxy = new RecordingProxy(broker.Port);
        using var loops = new EpollLoops(1);
        using var client = new MqttClient("epoll-cut") { EventLoops = loops };
        using var connected = new ManualResetEventSlim();
        client.OnConnect = (_, _, _, _) => connected.Set();
        Assert.Equal(MqttErrorCode.Success, client.Connect("127.0.0.1", proxy.Port));
        Task<MqttErrorCode> run = client.RunAsync(CancellationToken.None);
        Assert.True(connected.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, loops.Loops[0].Count);

        proxy.CutAll();

        Assert.Equal(MqttErrorCode.ConnectionLost, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, loops.Loops[0].Count);
        Assert.Null(client.CurrentLoop);
        Assert.False(client.IsConnected);
    }
}
