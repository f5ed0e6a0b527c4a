using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Pooling;

public class MqttClientPoolTests
{
    [Fact]
    public async Task AReturnedClientIsReusedResetForTheNextConnection()
    {
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        using var pool = new MqttClientPool();

        MqttClient first = pool.Rent(new MqttSessionOptions { ClientId = "pooled-a" });
        int firstCallbacks = 0;
        first.OnPublish = (_, _, _) => firstCallbacks++;
        first.Connect("127.0.0.1", broker.Port);
        Pump.Until(() => first.IsConnected, first);
        first.Publish("pool/t", "x"u8.ToArray(), 1);
        Pump.Until(() => firstCallbacks == 1, first);
        pool.Return(first);

        MqttClient second = pool.Rent(new MqttSessionOptions { ClientId = "pooled-b", ProtocolVersion = MqttProtocolVersion.V500 });
        Assert.Same(first, second);
        Assert.Equal((1, 1), (pool.Created, pool.Reused));
        Assert.Null(second.OnPublish);
        Assert.Equal(("pooled-b", MqttProtocolVersion.V500), (second.Session.Options.ClientId, second.Session.Options.ProtocolVersion));
        Assert.Equal((0L, 0L, 0), (second.Session.BytesSent, second.Session.Resends.Total, second.Session.InFlight));

        int secondCallbacks = 0;
        second.OnPublish = (_, _, _) => secondCallbacks++;
        second.Connect("127.0.0.1", broker.Port);
        Pump.Until(() => second.IsConnected, second);
        second.Publish("pool/t", "y"u8.ToArray(), 2);
        Pump.Until(() => secondCallbacks == 1, second);
        Assert.Equal(1, firstCallbacks);
        pool.Return(second);
    }

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
}
