namespace LoadGen.Client;

/// <summary>The ways a client's network loop can be driven, as paho offers them plus LoadGen's shared async model.</summary>
public enum LoopModel
{
    /// <summary>paho's loop_start: a thread per client, each running its loop.</summary>
    ThreadPerClient,
    /// <summary>paho's loop_forever, called on a thread the application made for each client.</summary>
    LoopForever,
    /// <summary>paho's loop(timeout), called by the application round-robin over every client on one thread.</summary>
    CallerLoop,
    /// <summary>An external event loop: one thread waits on every socket with select, driven by the socket callbacks.</summary>
    EventLoop,

    /// <summary>
    /// The same external event loop on a 1 ms tick: sleep, then poll every socket without waiting. Acknowledgements
    /// pile up for a tick, so each system call moves many messages (with several in flight per client).
    /// </summary>
    TickedEventLoop,
    /// <summary>LoadGen's model: clients await their sockets and share the thread pool, no thread of their own.</summary>
    SharedAsync,
}
