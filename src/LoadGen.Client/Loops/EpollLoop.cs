using System.Diagnostics;

namespace LoadGen.Client;

/// <summary>
/// One event-loop thread over many clients' plain TCP sockets, on Linux epoll (level-triggered). A pass reads every
/// ready socket into the loop's one scratch buffer (a client keeps only the bytes of an incomplete frame), runs the
/// codec and the session state machines, and then writes each client's coalesced output once. With no work it blocks
/// in <c>epoll_wait</c>; it never sleeps while there is some.
/// </summary>
/// <remarks>
/// Clients join through <see cref="MqttClient.RunAsync"/> when <see cref="MqttClient.EventLoops"/> is set, and leave
/// when their connection closes, from whichever thread closes it. Other threads may publish at any time: their flush
/// writes at once on their own thread (the client's lock orders it with the loop's), and only a socket that cannot take
/// everything is handed to the loop, which writes the rest when epoll says it can.
/// </remarks>
public sealed class EpollLoop : IDisposable
{
    private const ulong WakeData = ulong.MaxValue;

    [ThreadStatic]
    private static EpollLoop? t_current;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly byte[] _events = new byte[EpollNative.EventSize * 512];
    private readonly byte[] _scratch = new byte[64 * 1024];
    private readonly List<Registration> _dirty = new(64);
    private readonly Stack<int> _freeSlots = new();
    private readonly object _slotsLock = new();
    private readonly LoopLag _lag = new();
    private Registration?[] _slots = new Registration?[64];
    private int _nextSlot;
    private int _count;
    private volatile bool _stopping;

    /// <summary>Starts the loop's thread, named <paramref name="name"/> (per-thread CPU accounting groups by it).</summary>
    public EpollLoop(string name)
    {
        if (!EpollNative.IsSupported)
        {
            throw new PlatformNotSupportedException("the epoll event loop needs Linux on x64 or arm64");
        }

        _epoll = EpollNative.Create();
        _wake = EpollNative.CreateEventFd();
        int rc = EpollNative.Control(_epoll, EpollNative.CtlAdd, _wake, EpollNative.In, WakeData);
        if (rc != 0)
        {
            throw new IOException($"epoll_ctl on the wake-up eventfd failed (errno {rc})");
        }

        Name = name;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The loop thread's name.</summary>
    public string Name { get; }

    /// <summary>True where the epoll loop runs: Linux on x64 or arm64.</summary>
    public static bool IsSupported => EpollNative.IsSupported;

    /// <summary>Clients attached right now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The loop's own timing: how long passes took, and how late it woke for a deadline.</summary>
    public LoopLag Lag => _lag;

    /// <summary>Stops the thread (waiting up to 5 s) and closes the epoll instance; attached clients are not closed.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        EpollNative.Signal(_wake);
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }

        EpollNative.Close(_epoll);
        EpollNative.Close(_wake);
    }

    // Called with the client's lock held, the transport open and non-blocking.
    internal Registration Attach(MqttClient client, int fd)
    {
        var registration = new Registration(this, client, fd);
        lock (_slotsLock)
        {
            int slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _nextSlot++;
            if (slot >= _slots.Length)
            {
                // Replaced, never resized in place: the loop thread may be reading the old array right now.
                var grown = new Registration?[_slots.Length * 2];
                _slots.CopyTo(grown, 0);
                Volatile.Write(ref _slots, grown);
            }

            registration.Slot = slot;
            _slots[slot] = registration;
            _count++;
        }

        int rc = EpollNative.Control(_epoll, EpollNative.CtlAdd, fd, EpollNative.In | EpollNative.RdHup, (ulong)registration.Slot);
        if (rc != 0)
        {
            Release(registration);
            throw new IOException($"epoll_ctl ADD failed (errno {rc})");
        }

        return registration;
    }

    // The client's connection closed (its lock held): out of the epoll set now, while the fd is still open (the socket
    // is disposed later, off the lock), so a new socket given the same number is never removed by mistake.
    internal void Detach(Registration registration)
    {
        _ = EpollNative.Control(_epoll, EpollNative.CtlDel, registration.Fd, 0, 0);
        Release(registration);
    }

    private void Release(Registration registration)
    {
        lock (_slotsLock)
        {
            if (_slots[registration.Slot] == registration)
            {
                _slots[registration.Slot] = null;
                _freeSlots.Push(registration.Slot);
                _count--;
            }
        }
    }

    // A flush asked for with the client's lock held. On the loop thread (a callback publishing the next message) it
    // waits for the end of the pass, so a pass writes each socket once; elsewhere it writes now.
    internal void Flush(Registration registration)
    {
        if (t_current == this)
        {
            MarkDirty(registration);
            return;
        }

        registration.Client.WriteFromLoop(registration);
    }

    // Called by the client, its lock held, when the socket took less than everything: the loop writes the rest on EPOLLOUT.
    internal void ArmWrite(Registration registration, bool armed)
    {
        if (registration.WriteArmed == armed || registration.Closed)
        {
            return;
        }

        registration.WriteArmed = armed;
        uint events = EpollNative.In | EpollNative.RdHup | (armed ? EpollNative.Out : 0);
        _ = EpollNative.Control(_epoll, EpollNative.CtlMod, registration.Fd, events, (ulong)registration.Slot);
    }

    private void MarkDirty(Registration registration)
    {
        if (!registration.Dirty)
        {
            registration.Dirty = true;
            _dirty.Add(registration);
        }
    }

    private void Run()
    {
        t_current = this;
        while (!_stopping)
        {
            int n = EpollNative.Wait(_epoll, _events, _dirty.Count > 0 ? 0 : -1);
            if (n < 0)
            {
                // The epoll instance is gone (closed by Dispose after its wait for this thread ran out).
                break;
            }

            long start = Stopwatch.GetTimestamp();
            Registration?[] slots = Volatile.Read(ref _slots);
            for (int i = 0; i < n; i++)
            {
                ulong data = EpollNative.DataAt(_events, i);
                if (data == WakeData)
                {
                    EpollNative.Drain(_wake);
                    continue;
                }

                // A slot freed (and perhaps reused) since the wait: a spurious read finds nothing, harmlessly.
                if (data >= (ulong)slots.Length || slots[(int)data] is not { Closed: false } registration)
                {
                    continue;
                }

                uint events = EpollNative.EventsAt(_events, i);
                if ((events & (EpollNative.In | EpollNative.Hup | EpollNative.Err | EpollNative.RdHup)) != 0)
                {
                    try
                    {
                        registration.Client.ReadFromLoop(registration, _scratch);
                    }
                    catch (Exception ex)
                    {
                        // A handler's fault ends that connection's run with it, as it would fault the asynchronous
                        // model's task; the loop and its other clients go on.
                        registration.Fault(ex);
                        continue;
                    }
                }

                // Replies the handlers queued (PUBACK, PUBREL, the next message) and the rest of a blocked write.
                if (!registration.Closed)
                {
                    MarkDirty(registration);
                }
            }

            for (int i = 0; i < _dirty.Count; i++)
            {
                Registration registration = _dirty[i];
                registration.Dirty = false;
                if (!registration.Closed)
                {
                    try
                    {
                        registration.Client.WriteFromLoop(registration);
                    }
                    catch (Exception ex)
                    {
                        registration.Fault(ex);
                    }
                }
            }

            _dirty.Clear();
            if (n > 0)
            {
                _lag.RecordPass(Stopwatch.GetTimestamp() - start);
            }
        }

        t_current = null;
    }

    /// <summary>A client's place in a loop, from joining it until its connection closes.</summary>
    internal sealed class Registration(EpollLoop loop, MqttClient client, int fd)
    {
        private readonly TaskCompletionSource<MqttErrorCode> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public EpollLoop Loop { get; } = loop;

        public MqttClient Client { get; } = client;

        public int Fd { get; } = fd;

        public int Slot { get; set; }

        public bool Dirty { get; set; }

        public bool WriteArmed { get; set; }

        public volatile bool Closed;

        /// <summary>Completes with why the connection ended, as the asynchronous model's run does.</summary>
        public Task<MqttErrorCode> Done => _done.Task;

        public CancellationTokenRegistration Cancellation { get; set; }

        public void Fault(Exception ex)
        {
            _done.TrySetException(ex);
            try
            {
                Client.Abort($"engine failure on the event loop: {ex.GetType().Name}: {ex.Message}");
            }
            catch (Exception again)
            {
                // A close callback threw too: the connection is gone either way, and the loop must go on.
                Leave();
                _done.TrySetException(again);
            }
        }

        /// <summary>Out of the epoll set and the slots (idempotent).</summary>
        public void Leave()
        {
            if (!Closed)
            {
                Closed = true;
                Loop.Detach(this);
            }
        }

        public void Complete(MqttErrorCode reason)
        {
            Cancellation.Dispose();
            _done.TrySetResult(reason);
        }
    }
}
