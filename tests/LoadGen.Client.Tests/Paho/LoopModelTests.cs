using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Paho;

/// <summary>
/// Every loop model moves the same traffic: paho's loop_start thread, loop_forever with reconnects, an external
/// select() loop driven only by the socket callbacks, and the shared asynchronous model with no thread per client.
/// </summary>
public class LoopModelTests
{
    private const int Messages = 200;

    [Fact]
    public async Task LoopStartRunsTheLoopOnItsOwnThreadUntilLoopStop()
    {
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        using var client = new MqttClient("loop-start");
        using var done = new CountdownEvent(Messages);
        using var connected = new ManualResetEventSlim();
        client.OnConnect = (_, _, _, _) => connected.Set();
        client.OnPublish = (_, _, _) => done.Signal();
        int loopThread = -1;
        client.OnLog = (_, _, _, _) => loopThread = Environment.CurrentManagedThreadId;
        client.Connect("127.0.0.1", broker.Port);
        client.LoopStart();
        Assert.True(connected.Wait(TimeSpan.FromSeconds(10)));
        for (int i = 0; i < Messages; i++)
        {
            while (client.Publish("loops/start", "x"u8.ToArray(), 1).Rc == MqttErrorCode.QueueSize)
            {
                // The window is full: wait for the loop thread to complete one.
                Assert.True(SpinWait.SpinUntil(() => !client.Session.IsWindowFull, TimeSpan.FromSeconds(10)));
            }
        }

        Assert.True(done.Wait(TimeSpan.FromSeconds(20)));
        client.LoopStop();
        Assert.NotEqual(Environment.CurrentManagedThreadId, loopThread);
    }

    [Fact]
    public async Task LoopForeverReconnectsAfterTheConnectionIsCutAndReturnsAfterDisconnect()
    {
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        await using var proxy = new RecordingProxy(broker.Port);
        using var client = new MqttClient("loop-forever", cleanSession: false);
        int connects = 0;
        client.OnConnect = (c, _, _, _) =>
        {
            if (++connects == 1)
            {
                proxy.CutAll(); // the first connection dies at once
            }
            else
            {
                c.Disconnect(); // the second ends the loop
            }
        };
        client.Connect("127.0.0.1", proxy.Port);
        Task forever = Task.Run(() => client.LoopForever(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100)));
        await forever.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, connects);
        Assert.Equal(2, proxy.Log.Count(l => l == "C>B CONNECT"));
    }

    [Fact]
    public async Task AnExternalSelectLoopDrivenBySocketCallbacksMovesTheTraffic()
    {
        await using IBroker broker = await EmbeddedBroker.StartAsync();
        using var client = new MqttClient("external");
        var readers = new List<Socket>();
        var writers = new List<Socket>();
        client.OnSocketOpen = (_, _, s) => readers.Add(s);
        client.OnSocketClose = (_, _, s) => { readers.Remove(s); writers.Remove(s); };
        client.OnSocketRegisterWrite = (_, _, s) => writers.Add(s);
        client.OnSocketUnregisterWrite = (_, _, s) => writers.Remove(s);
        int published = 0;
        client.OnPublish = (_, _, _) => published++;
        client.Connect("127.0.0.1", broker.Port);

        var clock = Stopwatch.StartNew();
        int sent = 0;
        while (published < Messages)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
            if (client.IsConnected && sent < Messages && client.Publish("loops/external", "x"u8.ToArray(), 1).Rc == MqttErrorCode.Success)
            {
                sent++;
            }

            // The application owns the loop: select() on what the callbacks registered, then read, write, misc.
            var readable = new List<Socket>(readers);
            var writable = new List<Socket>(writers);
            if (client.WantWrite && writable.Count == 0)
            {
                client.LoopWrite();
            }

            Socket.Select(readable, writable.Count > 0 ? writable : null, null, 10_000);
            if (readable.Count > 0)
            {
                client.LoopRead();
            }

            if (writable.Count > 0)
            {
                client.LoopWrite();
            }

            client.LoopMisc();
        }

        Assert.Equal(Messages, published);
    }

    [Fact]
    public async Task TheSharedAsyncModelRunsManyClientsWithoutAThreadEach()
    {
        const int clients = 200;
        const int perClient = 20;
        await using IBroker broker = await MosquittoBroker.StartAsync();
        int threadsBefore = Process.GetCurrentProcess().Threads.Count;
        var all = new List<MqttClient>();
        int completed = 0;
        var allDone = new TaskCompletionSource();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var runs = new List<Task<MqttErrorCode>>();
        int connected = 0;
        var allConnected = new TaskCompletionSource();
        for (int i = 0; i < clients; i++)
        {
            var client = new MqttClient(new MqttSessionOptions { ClientId = $"async-{i}", InflightWindow = perClient });
            client.OnConnect = (_, _, _, _) =>
            {
                if (Interlocked.Increment(ref connected) == clients)
                {
                    allConnected.TrySetResult();
                }
            };
            client.OnPublish = (_, _, _) =>
            {
                if (Interlocked.Increment(ref completed) == clients * perClient)
                {
                    allDone.TrySetResult();
                }
            };
            Assert.Equal(MqttErrorCode.Success, client.Connect("127.0.0.1", broker.Port));
            runs.Add(client.RunAsync(stop.Token));
            all.Add(client);
        }

        await allConnected.Task.WaitAsync(stop.Token);
        int threadsDuring = Process.GetCurrentProcess().Threads.Count;
        foreach (MqttClient client in all)
        {
            for (int m = 0; m < perClient; m++)
            {
                Assert.Equal(MqttErrorCode.Success, client.Publish("loops/async", "x"u8.ToArray(), 1).Rc);
            }

            await client.FlushAsync(stop.Token);
        }

        await allDone.Task.WaitAsync(stop.Token);
        foreach (MqttClient client in all)
        {
            client.Disconnect();
            client.Dispose();
        }

        await Task.WhenAll(runs);
        Assert.Equal(clients * perClient, completed);
        // A thread per client would add 200; the thread pool adds a handful.
        Assert.True(threadsDuring - threadsBefore < 40, $"{threadsDuring - threadsBefore} threads for {clients} clients");
    }

    [Fact]
    public async Task AMalformedPacketFromTheBrokerClosesThatSessionWithAPreciseCountedError()
    {
        // A "broker" that answers CONNECT properly, then sends a PUBLISH whose topic contains '#'.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        Task server = Task.Run(() =>
        {
            using Socket peer = listener.Accept();
            var buffer = new byte[256];
            peer.Receive(buffer);
            peer.Send(Convert.FromHexString("20020000" + "3003000123"));
            peer.Receive(buffer); // until the client closes
        });

        using var client = new MqttClient("malformed");
        int disconnect = -1;
        client.OnDisconnect = (_, _, rc) => disconnect = rc;
        client.Connect("127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port);
        Pump.Until(() => disconnect >= 0, client);

        Assert.Equal((int)MqttErrorCode.Protocol, disconnect);
        Assert.Equal(1, client.ProtocolErrors);
        Assert.Equal(MqttViolation.WildcardInTopicName, client.LastProtocolError!.Violation);
        await server.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
