namespace LoadGen.Client.Tests.Paho;

/// <summary>
/// ReleaseBuffersWhenIdle: a waiting client in the asynchronous model holds no pooled buffers, which is what lets
/// thousands of idle sessions fit in a few kilobytes each, and traffic still flows in both directions.
/// </summary>
public class IdleBufferTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnIdleClientHoldsBuffersOnlyWhenAskedToKeepThem(bool release)
    {
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        using var client = new MqttClient("idle-buffers") { ReleaseBuffersWhenIdle = release };
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.OnConnect = (_, _, _, _) => connected.TrySetResult();
        client.OnSubscribe = (c, _, _, _) => c.Publish("idle/buffers", "hello"u8.ToArray(), 1);
        client.OnMessage = (_, _, _) => received.TrySetResult();
        client.OnPublish = (_, _, _) => acknowledged.TrySetResult();
        Assert.Equal(MqttErrorCode.Success, client.Connect("127.0.0.1", broker.Port));
        Task<MqttErrorCode> run = client.RunAsync(CancellationToken.None);
        await client.FlushAsync();
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        client.Subscribe("idle/#", 1);
        await client.FlushAsync();
        await Task.WhenAll(received.Task, acknowledged.Task).WaitAsync(TimeSpan.FromSeconds(10));

        // The PUBACK for the delivery went out from the read loop; once it is flushed the client just waits.
        await client.FlushAsync();
        await WaitUntil(() => client.Session.InFlight == 0);
        if (release)
        {
            await WaitUntil(() => client.BufferBytesHeld == 0);
            Assert.Equal(0, client.BufferBytesHeld);
        }
        else
        {
            Assert.True(client.BufferBytesHeld >= 8192, $"held {client.BufferBytesHeld} bytes");
        }

        client.Disconnect();
        await run;
    }

    // Bounded polling on a condition that the client's own threads make true; never a fixed sleep.
    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(5);
        }
    }
}
