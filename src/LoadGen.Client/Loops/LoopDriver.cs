using System.Collections.Concurrent;

namespace LoadGen.Client;

/// <summary>
/// Drives a set of connected clients in one <see cref="LoopModel"/>: a thread per client (paho's <c>loop_start</c>),
/// an application thread per client running <c>loop_forever</c>, one thread calling <c>loop(0)</c> round-robin, one
/// external event loop over every socket (plain or on a 1 ms tick), or LoadGen's shared asynchronous model. Work that
/// touches the clients goes through <see cref="Invoke"/>, so the single-thread models keep their one thread.
/// </summary>
public sealed class LoopDriver : IDisposable
{
    private readonly List<MqttClient> _clients = [];
    private readonly List<Thread> _threads = [];
    private readonly List<Task> _runs = [];
    private readonly ConcurrentQueue<(Action Action, ManualResetEventSlim Done)> _posted = new();
    private readonly CancellationTokenSource _stop = new();

    /// <summary>A driver for <paramref name="model"/>; add each client as it connects, then <see cref="Start"/>.</summary>
    public LoopDriver(LoopModel model) => Model = model;

    /// <summary>The model this driver runs.</summary>
    public LoopModel Model { get; }

    /// <summary>True for the models in which one thread drives every client.</summary>
    public bool SingleThread => Model is LoopModel.CallerLoop or LoopModel.EventLoop or LoopModel.TickedEventLoop;

    /// <summary>The name of the one loop thread of a single-thread model (per-thread CPU accounting groups by it).</summary>
    public string ThreadName => $"loops-{Model}";

    /// <summary>Takes a connected client; the per-client models start its loop now.</summary>
    public void Add(MqttClient client)
    {
        _clients.Add(client);
        switch (Model)
        {
            case LoopModel.ThreadPerClient:
                client.LoopStart();
                break;
            case LoopModel.LoopForever:
                var thread = new Thread(() => client.LoopForever()) { IsBackground = true, Name = "loop-forever" };
                _threads.Add(thread);
                thread.Start();
                break;
            case LoopModel.SharedAsync:
                _runs.Add(client.RunAsync(_stop.Token));
                break;
        }
    }

    /// <summary>Starts the one thread of a single-thread model over every client added; the other models need nothing.</summary>
    public void Start()
    {
        if (!SingleThread)
        {
            return;
        }

        MqttClient[] clients = [.. _clients];
        Action idle = RunPosted;
        ThreadStart body = Model switch
        {
            LoopModel.CallerLoop => () => CallerLoop.Run(clients, _stop.Token, idle),
            LoopModel.EventLoop => () => SelectEventLoop.Run(clients, _stop.Token, idle, TimeSpan.Zero),
            _ => () => SelectEventLoop.Run(clients, _stop.Token, idle, TimeSpan.FromMilliseconds(1)),
        };
        var thread = new Thread(body) { IsBackground = true, Name = ThreadName };
        _threads.Add(thread);
        thread.Start();
    }

    /// <summary>
    /// Runs <paramref name="action"/> where the clients may be touched: on the loop thread of a single-thread model
    /// (waiting at most <paramref name="timeout"/> for it), here otherwise; then writes what it queued. False when the
    /// loop thread did not get to it in time.
    /// </summary>
    public bool Invoke(Action action, TimeSpan timeout)
    {
        if (!SingleThread)
        {
            action();
            foreach (MqttClient client in _clients)
            {
                Flush(client);
            }

            return true;
        }

        using var done = new ManualResetEventSlim();
        _posted.Enqueue((action, done));
        return done.Wait(timeout);
    }

    /// <summary>
    /// After a publish made from a client's own callback: the shared asynchronous model writes only when asked; the
    /// loops write from their next pass.
    /// </summary>
    public void Flush(MqttClient client)
    {
        if (Model == LoopModel.SharedAsync)
        {
            _ = client.FlushAsync();
        }
    }

    /// <summary>Disconnects every client and stops every loop, waiting up to 10 s for each thread and task.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        foreach (MqttClient client in _clients)
        {
            client.Disconnect();
        }

        foreach (MqttClient client in _clients)
        {
            client.LoopStop();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(10));
        }

        Task.WaitAll([.. _runs], TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private void RunPosted()
    {
        while (_posted.TryDequeue(out var posted))
        {
            posted.Action();
            posted.Done.Set();
        }
    }
}
