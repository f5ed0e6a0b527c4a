namespace LoadGen.Testing;

/// <summary>A real broker on 127.0.0.1 for a test.</summary>
internal interface IBroker : IAsyncDisposable
{
    string Name { get; }

    int Port { get; }
}
