using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace LoadGen.Engine;

/// <summary>
/// MQTTnet.Server in this process on a free 127.0.0.1 port, so <c>loadgen run</c> works with nothing installed. Its
/// per-client queue is raised from the default 250, which silently drops the oldest messages of a slow subscriber.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private EmbeddedBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Messages the broker dropped or overwrote from a client's queue: a broker-side loss to report.</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>Starts the broker; <paramref name="validate"/> may accept or refuse each CONNECT.</summary>
    public static async Task<EmbeddedBroker> StartAsync(Func<ValidatingConnectionEventArgs, Task>? validate = null)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose();

        var factory = new MqttServerFactory();
        MqttServerOptions options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(1_000_000)
            .Build();
        MqttServer server = factory.CreateMqttServer(options);
        if (validate is not null)
        {
            server.ValidatingConnectionAsync += validate;
        }

        var broker = new EmbeddedBroker(server, port);
        server.QueuedApplicationMessageOverwrittenAsync += _ =>
        {
            Interlocked.Increment(ref broker._dropped);
            return Task.CompletedTask;
        };
        await server.StartAsync();
        return broker;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }
}
