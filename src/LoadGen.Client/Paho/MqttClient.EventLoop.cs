namespace LoadGen.Client;

public sealed partial class MqttClient
{
    // The loop serving the current connection; null in the asynchronous model or when not connected. Lock guarded.
    private EpollLoop.Registration? _registration;

    /// <summary>
    /// The event-loop engine this client's connections join (plain TCP only; TLS and WebSocket keep the asynchronous
    /// model). Null, the default, keeps every connection on the asynchronous model.
    /// </summary>
    public EpollLoops? EventLoops { get; set; }

    /// <summary>The event loop serving the connection now, or null.</summary>
    public EpollLoop? CurrentLoop => _registration?.Loop;

    // Joins a loop when there is one to join and the connection is plain TCP; null leaves it to the asynchronous model.
    private Task<MqttErrorCode>? TryJoinLoop(CancellationToken cancellationToken)
    {
        if (EventLoops is not { } loops)
        {
            return null;
        }

        EpollLoop.Registration registration;
        lock (_sync)
        {
            if (_transport is not TcpTransport tcp)
            {
                return null;
            }

            int fd = (int)tcp.Socket.SafeHandle.DangerousGetHandle();
            if (_registration is { } old && old.Fd != fd)
            {
                // A Reconnect over a live connection: the old socket's place goes, the new one joins.
                LeaveLoop(old, MqttErrorCode.ConnectionLost);
            }

            if (_registration is null)
            {
                try
                {
                    _registration = loops.Pick().Attach(this, fd);
                }
                catch (IOException ex)
                {
                    // epoll refused the socket (out of watches or memory): this connection keeps the asynchronous model.
                    Log(MqttLogLevel.Warning, $"event loop: {ex.Message}; this connection uses the asynchronous model");
                    return null;
                }
            }

            registration = _registration;
        }

        if (cancellationToken.CanBeCanceled)
        {
            registration.Cancellation = cancellationToken.Register(() =>
            {
                lock (_sync)
                {
                    if (_registration == registration)
                    {
                        LeaveLoop(registration, MqttErrorCode.Success);
                    }
                }
            });
        }

        return registration.Done;
    }

    // The connection leaves its loop without closing (Close does the same in two steps, completing after the close).
    // Lock held.
    private void LeaveLoop(EpollLoop.Registration registration, MqttErrorCode reason)
    {
        _registration = null;
        registration.Leave();
        registration.Complete(reason);
    }

    // FlushAsync on a loop's connection: deferred to the end of the pass on the loop thread, written now elsewhere.
    private bool FlushOnLoop()
    {
        if (_registration is null)
        {
            return false;
        }

        lock (_sync)
        {
            if (_registration is not { } registration)
            {
                return false;
            }

            registration.Loop.Flush(registration);
            return true;
        }
    }

    // The loop found the socket readable: read into its scratch buffer (see ReceiveAndHandle).
    internal void ReadFromLoop(EpollLoop.Registration registration, byte[] scratch)
    {
        lock (_sync)
        {
            if (_registration != registration)
            {
                return;
            }

            _ = ReceiveAndHandle(scratch);
            if (ReleaseBuffersWhenIdle && _input.Count == 0)
            {
                _input.ReleaseIfEmpty();
            }
        }
    }

    // Writes what is pending; what the socket did not take waits for EPOLLOUT.
    internal void WriteFromLoop(EpollLoop.Registration registration)
    {
        lock (_sync)
        {
            if (_registration != registration)
            {
                return;
            }

            if (_output.Count > 0)
            {
                LoopWrite();
            }

            if (_registration == registration)
            {
                registration.Loop.ArmWrite(registration, _output.Count > 0);
                if (ReleaseBuffersWhenIdle && _output.Count == 0)
                {
                    _output.ReleaseIfEmpty();
                }
            }
        }
    }
}
