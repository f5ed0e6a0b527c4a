using System.Net;
using MQTTnet.Server;

namespace LoadGen.Client.Tests;

/// <summary>
/// MQTTnet.Server in the test process, as the engine embeds it (persistent sessions, a deep per-client queue), but
/// started here: the client is tested against brokers, not through the engine.
/// </summary>
internal sealed class EmbeddedBroker : IBroker
{
    private readonly MqttServer _server;

    private EmbeddedBroker(MqttServer server, int port) => (_server, Port) = (server, port);

    public string Name => "embedded";

    public int Port { get; }

    public static async Task<EmbeddedBroker> StartAsync(Func<ValidatingConnectionEventArgs, Task>? validate = null)
    {
        int port = FreePort.Next();
        var factory = new MqttServerFactory();
        MqttServer server = factory.CreateMqttServer(factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(1_000_000)
            .Build());
        if (validate is not null)
        {
            server.ValidatingConnectionAsync += validate;
        }

        await server.StartAsync();
        return new EmbeddedBroker(server, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }

    public override string ToString() => Name;
}
