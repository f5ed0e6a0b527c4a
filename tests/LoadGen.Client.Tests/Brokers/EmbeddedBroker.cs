using MQTTnet.Server;

namespace LoadGen.Client.Tests;

/// <summary>The engine's in-process MQTTnet.Server, seen as one of the tests' brokers.</summary>
internal sealed class EmbeddedBroker : IBroker
{
    private readonly LoadGen.Engine.EmbeddedBroker _broker;

    private EmbeddedBroker(LoadGen.Engine.EmbeddedBroker broker) => _broker = broker;

    public string Name => "embedded";

    public int Port => _broker.Port;

    public static async Task<EmbeddedBroker> StartAsync(Func<ValidatingConnectionEventArgs, Task>? validate = null) =>
        new(await LoadGen.Engine.EmbeddedBroker.StartAsync(validate));

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    public override string ToString() => Name;
}
