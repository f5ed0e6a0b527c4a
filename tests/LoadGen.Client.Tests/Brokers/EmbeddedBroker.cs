using System.Net;
using MQTTnet.Server;

namespace LoadGen.Client.Tests;

/// <summary>MQTTnet.Server 5 in this process, on a free loopback port.</summary>
public sealed class EmbeddedBroker : IBroker
{
    private readonly MqttServer _server;

    private EmbeddedBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public string Name => "embedded";

    public int Port { get; }

    public static async Task<EmbeddedBroker> StartAsync(Func<ValidatingConnectionEventArgs, Task>? validate = null)
    {
        int port = FreePort.Next();
        var factory = new MqttServerFactory();
        MqttServerOptions options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            // The default of 250 silently drops the oldest messages (../shared/FACTS.md).
            .WithMaxPendingMessagesPerClient(100_000)
            .Build();
        MqttServer server = factory.CreateMqttServer(options);
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
