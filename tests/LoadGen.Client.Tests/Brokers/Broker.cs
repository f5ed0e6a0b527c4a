namespace LoadGen.Client.Tests;

internal static class Broker
{
    public static async Task<IBroker> StartAsync(string name) => name switch
    {
        "embedded" => await EmbeddedBroker.StartAsync(),
        "mosquitto" => await MosquittoBroker.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(name),
    };

    public static TheoryData<string> Names() => new() { "embedded", "mosquitto" };
}
