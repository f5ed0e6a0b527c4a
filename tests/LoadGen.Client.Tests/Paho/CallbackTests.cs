using System.Net.Sockets;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Paho;

/// <summary>Each of paho's 13 callbacks fires, with paho's arguments, against a real broker.</summary>
public class CallbackTests
{
    [Theory]
    [MemberData(nameof(Broker.Names), MemberType = typeof(Broker))]
    public async Task ConnectSubscribeMessagePublishUnsubscribeDisconnectAndSocketCallbacksFireWithPahosArguments(string brokerName)
    {
        await using IBroker broker = await Broker.StartAsync(brokerName);
        var userData = new object();
        using var client = new MqttClient("callbacks", userData: userData);
        var calls = new List<string>();
        Socket? opened = null;
        client.OnSocketOpen = (c, u, s) => { Assert.Same(client, c); Assert.Same(userData, u); opened = s; calls.Add("socket_open"); };
        client.OnSocketClose = (c, u, s) => { Assert.Same(opened, s); calls.Add("socket_close"); };
        client.OnConnect = (c, u, flags, rc) => { Assert.Same(userData, u); calls.Add($"connect sp={flags.SessionPresent} rc={rc}"); };
        client.OnSubscribe = (c, u, mid, granted) => calls.Add($"subscribe mid={mid} granted={string.Join(",", granted)}");
        client.OnMessage = (c, u, m) => calls.Add($"message {m.Topic}={Encoding.UTF8.GetString(m.Payload)} qos={m.QoS} retain={m.Retain}");
        client.OnPublish = (c, u, mid) => calls.Add($"publish mid={mid}");
        client.OnUnsubscribe = (c, u, mid) => calls.Add($"unsubscribe mid={mid}");
        client.OnDisconnect = (c, u, rc) => calls.Add($"disconnect rc={rc}");
        var logs = new List<(MqttLogLevel Level, string Text)>();
        client.OnLog = (c, u, level, text) => logs.Add((level, text));

        Assert.Equal(MqttErrorCode.Success, client.Connect("127.0.0.1", broker.Port));
        Assert.Same(client.Socket, opened);
        Pump.Until(() => client.IsConnected, client);
        int subMid = client.Subscribe("cb/#", 1).Mid;
        Pump.Until(() => calls.Any(c => c.StartsWith("subscribe", StringComparison.Ordinal)), client);
        int pubMid = client.Publish("cb/t", "v"u8.ToArray(), qos: 1).Mid;
        Pump.Until(() => calls.Contains($"publish mid={pubMid}") && calls.Any(c => c.StartsWith("message", StringComparison.Ordinal)), client);
        int unsubMid = client.Unsubscribe("cb/#").Mid;
        Pump.Until(() => calls.Contains($"unsubscribe mid={unsubMid}"), client);
        client.Disconnect();

        Assert.Equal(
            ["socket_open", "connect sp=False rc=0", $"subscribe mid={subMid} granted=1"],
            calls.Take(3));
        Assert.Contains($"publish mid={pubMid}", calls);
        Assert.Contains("message cb/t=v qos=1 retain=False", calls);
        Assert.Equal(["socket_close", "disconnect rc=0"], calls.TakeLast(2));
        Assert.Contains(logs, l => l is { Level: MqttLogLevel.Debug, Text: "Received CONNACK" });
    }

    [Fact]
    public async Task TopicCallbacksTakeMatchingMessagesAndOnMessageIsTheFallback()
    {
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        using var client = new MqttClient("topic-callbacks");
        var seen = new List<string>();
        client.OnMessage = (_, _, m) => seen.Add($"fallback:{m.Topic}");
        client.MessageCallbackAdd("sensors/+/temperature", (_, _, m) => seen.Add($"temperature:{m.Topic}"));
        client.MessageCallbackAdd("sensors/#", (_, _, m) => seen.Add($"sensors:{m.Topic}"));
        client.Connect("127.0.0.1", broker.Port);
        Pump.Until(() => client.IsConnected, client);
        bool subscribed = false;
        client.OnSubscribe = (_, _, _, _) => subscribed = true;
        client.Subscribe("#", 1);
        Pump.Until(() => subscribed, client);

        client.Publish("sensors/kitchen/temperature", "1"u8.ToArray(), 1);
        client.Publish("sensors/kitchen/humidity", "2"u8.ToArray(), 1);
        client.Publish("other/x", "3"u8.ToArray(), 1);
        Pump.Until(() => seen.Count == 4, client);
        client.MessageCallbackRemove("sensors/#");
        client.Publish("sensors/hall/humidity", "4"u8.ToArray(), 1);
        Pump.Until(() => seen.Count == 5, client);

        Assert.Equal(
        [
            "temperature:sensors/kitchen/temperature", "sensors:sensors/kitchen/temperature",
            "sensors:sensors/kitchen/humidity", "fallback:other/x", "fallback:sensors/hall/humidity",
        ], seen);
    }

    [Fact]
    public async Task SocketWriteCallbacksFireWhenAWriteWouldBlockAndAgainWhenItDrains()
    {
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        await using var proxy = new RecordingProxy(broker.Port);
        using var client = new MqttClient("blocked-writer");
        var calls = new List<string>();
        client.OnSocketRegisterWrite = (_, _, s) => calls.Add("register_write");
        client.OnSocketUnregisterWrite = (_, _, s) => calls.Add("unregister_write");
        client.Connect("127.0.0.1", proxy.Port);
        Pump.Until(() => client.IsConnected, client);

        proxy.PauseClientReads();
        byte[] payload = new byte[256 * 1024];
        int published = 0;
        client.OnPublish = (_, _, _) => published++;
        int sent = 0;
        // Bounded: loopback buffers hold a few MiB, so the writes block long before 400 messages (100 MiB).
        while (!calls.Contains("register_write") && sent < 400)
        {
            client.Publish("big", payload, 0);
            client.LoopWrite();
            sent++;
        }

        Assert.Equal(["register_write"], calls);
        proxy.ResumeClientReads();
        Pump.Until(() => calls.Contains("unregister_write"), client);
        Pump.Until(() => published == sent, client);
        Assert.Equal(["register_write", "unregister_write"], calls);
    }
}
