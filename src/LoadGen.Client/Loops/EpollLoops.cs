namespace LoadGen.Client;

/// <summary>
/// The event-loop engine: a few <see cref="EpollLoop"/> threads (one per core by default), each owning the sockets of
/// the clients it was given. Set a client's <see cref="MqttClient.EventLoops"/> and its <see cref="MqttClient.RunAsync"/>
/// joins the loop with the fewest clients, for a plain TCP connection; TLS and WebSocket keep the asynchronous model.
/// </summary>
public sealed class EpollLoops : IDisposable
{
    private readonly EpollLoop[] _loops;

    /// <summary>Starts <paramref name="count"/> loop threads (at least one).</summary>
    public EpollLoops(int count)
    {
        _loops = new EpollLoop[Math.Max(1, count)];
        for (int i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new EpollLoop($"loadgen loop {i}");
        }
    }

    /// <summary>The default number of loops: one per core.</summary>
    public static int DefaultCount => Environment.ProcessorCount;

    /// <summary>The name every loop thread's name starts with (per-thread CPU accounting groups by it).</summary>
    public const string ThreadNamePrefix = "loadgen loop";

    /// <summary>The loops.</summary>
    public IReadOnlyList<EpollLoop> Loops => _loops;

    /// <summary>The pass durations and wake-up lateness of every loop, added together (see <see cref="LoopLag"/>).</summary>
    public (long[] Pass, long[] Late) Lag()
    {
        long[] pass = new long[LoopLag.Buckets], late = new long[LoopLag.Buckets];
        foreach (EpollLoop loop in _loops)
        {
            loop.Lag.AddTo(pass, late);
        }

        return (pass, late);
    }

    internal EpollLoop Pick()
    {
        EpollLoop best = _loops[0];
        foreach (EpollLoop loop in _loops)
        {
            if (loop.Count < best.Count)
            {
                best = loop;
            }
        }

        return best;
    }

    /// <summary>Stops every loop thread; the clients are not closed.</summary>
    public void Dispose()
    {
        foreach (EpollLoop loop in _loops)
        {
            loop.Dispose();
        }
    }
}
