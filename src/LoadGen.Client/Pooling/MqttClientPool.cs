using System.Collections.Concurrent;

namespace LoadGen.Client;

/// <summary>
/// Finished clients go back here and come out again, reset, for the next connection: a load run that cycles through
/// thousands of sessions reuses their buffers, in-flight tables and session objects instead of allocating new ones.
/// </summary>
public sealed class MqttClientPool : IDisposable
{
    private readonly ConcurrentBag<MqttClient> _idle = new();
    private readonly int _maximumIdle;
    private long _created;
    private long _reused;

    /// <summary>Creates a pool that keeps at most <paramref name="maximumIdle"/> idle clients.</summary>
    public MqttClientPool(int maximumIdle = 100_000) => _maximumIdle = maximumIdle;

    /// <summary>Clients built because the pool was empty.</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <summary>Clients handed out again after a reset.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>Idle clients waiting in the pool.</summary>
    public int Idle => _idle.Count;

    /// <summary>A client configured with <paramref name="options"/>, reused when one is idle.</summary>
    public MqttClient Rent(MqttSessionOptions options)
    {
        if (_idle.TryTake(out MqttClient? client))
        {
            client.Reset(options);
            Interlocked.Increment(ref _reused);
            return client;
        }

        Interlocked.Increment(ref _created);
        return new MqttClient(options);
    }

    /// <summary>Hands a finished client back. Its connection, if any, is closed now; its state is reset on the next rent.</summary>
    public void Return(MqttClient client)
    {
        if (_idle.Count >= _maximumIdle)
        {
            client.Dispose();
            return;
        }

        if (client.Socket is not null)
        {
            client.Disconnect();
        }

        _idle.Add(client);
    }

    /// <summary>Disposes every idle client.</summary>
    public void Dispose()
    {
        while (_idle.TryTake(out MqttClient? client))
        {
            client.Dispose();
        }
    }
}
