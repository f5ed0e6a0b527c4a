using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Paho;

/// <summary>The client's hot path through a real socket: nothing allocated per message once warm.</summary>
public class AllocationTests
{
    [Theory]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task PublishingThroughARealSocketAllocatesNothingPerMessageAtSteadyState(MqttQualityOfService qos)
    {
        // The loop runs on this thread, so the per-thread counter sees the client's whole send/receive path; the
        // broker's work happens on its own threads and is not counted.
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        using var client = new MqttClient(new MqttSessionOptions { ClientId = $"alloc-{qos}", InflightWindow = 1 });
        int done = 0;
        client.OnPublish = (_, _, _) => done++;
        client.Connect("127.0.0.1", broker.Port);
        Pump.Until(() => client.IsConnected, client);
        ReadOnlyMemory<byte> topic = "alloc/t"u8.ToArray();
        ReadOnlyMemory<byte> payload = new byte[100];

        void OneMessage()
        {
            int target = done + 1;
            client.Publish(topic, payload, (int)qos);
            while (done < target)
            {
                // A dead connection ends this loop with an error instead of spinning. Not Assert.Equal: xunit's
                // comparer allocates on every call, which would be measured as the client's.
                MqttErrorCode rc = client.Loop(TimeSpan.FromMilliseconds(100));
                if (rc != MqttErrorCode.Success)
                {
                    throw new InvalidOperationException($"the loop failed with {rc}");
                }
            }
        }

        Assert.Equal(0, AllocationProbe.SteadyStateBytes(OneMessage, iterations: 2_000));
    }

    [Fact]
    public async Task TheSelectEventLoopAllocatesNothingPerPass()
    {
        // A pass over idle connected clients: the loop's own bookkeeping (socket lists, write registrations,
        // enumerating the clients) must not allocate, or every pass of a busy loop would.
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        MqttClient[] clients = [.. Enumerable.Range(0, 4).Select(i => new MqttClient(new MqttSessionOptions { ClientId = $"select-alloc-{i}" }))];
        foreach (MqttClient client in clients)
        {
            client.Connect("127.0.0.1", broker.Port);
            Pump.Until(() => client.IsConnected, client);
        }

        using var stop = new CancellationTokenSource();
        int passes = 0;
        long start = 0, end = 0;
        SelectEventLoop.Run(clients, stop.Token, () =>
        {
            passes++;
            if (passes == 50)
            {
                start = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (passes == 350)
            {
                end = GC.GetAllocatedBytesForCurrentThread();
                stop.Cancel();
            }
        }, TimeSpan.FromMilliseconds(1));

        foreach (MqttClient client in clients)
        {
            client.Dispose();
        }

        Assert.Equal(0, end - start);
    }
}
