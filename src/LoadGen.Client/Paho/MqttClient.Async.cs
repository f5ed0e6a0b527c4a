using System.Runtime.CompilerServices;

namespace LoadGen.Client;

public sealed partial class MqttClient
{
    // LoadGen's scalable model: no thread per client. RunAsync awaits the socket, so a waiting client holds no thread;
    // the thread pool's few threads run whichever clients have data. Output is double-buffered: writers append to
    // _output under the lock while FlushAsync sends _sending outside it, so a slow socket never blocks a publisher.
    private PooledBufferWriter _sending = new(8192);
    private int _flushing;

    /// <summary>
    /// Reads and handles packets until the connection ends or <paramref name="cancellationToken"/> fires, flushing
    /// responses as it goes. Returns the reason the connection ended.
    /// </summary>
    /// <remarks>
    /// With <see cref="EventLoops"/> set and a plain TCP connection, the connection joins an event loop instead, and the
    /// task completes when it closes (or, if <paramref name="cancellationToken"/> fires, when it leaves the loop).
    /// </remarks>
    public Task<MqttErrorCode> RunAsync(CancellationToken cancellationToken) =>
        TryJoinLoop(cancellationToken) ?? RunSocketAsync(cancellationToken);

    private async Task<MqttErrorCode> RunSocketAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IMqttTransport? transport = _transport;
            if (transport is null)
            {
                return MqttErrorCode.NoConnection;
            }

            int read;
            try
            {
                if (ReleaseBuffersWhenIdle && transport.SupportsNonBlocking && !WaitIsOver())
                {
                    // Kestrel's zero-byte read: wait for data with no buffer, so a waiting connection holds no array.
                    // The wait can end with nothing to read (a spurious wake-up), so the read after it must not
                    // block: it would hold the buffer for as long as the connection stays quiet.
                    await transport.ReceiveAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    lock (_sync)
                    {
                        read = transport.Receive(_input.GetSpan(4096));
                    }

                    if (read == 0)
                    {
                        continue;
                    }

                    read = Math.Max(read, 0);
                }
                else
                {
                    Memory<byte> space;
                    lock (_sync)
                    {
                        space = _input.GetMemory(4096);
                    }

                    read = await transport.ReceiveAsync(space, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return MqttErrorCode.Success;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException or IOException or System.Net.WebSockets.WebSocketException)
            {
                return _transport is null ? MqttErrorCode.NoConnection : Fail(MqttErrorCode.ConnectionLost, MqttClientCloseReasons.SocketFailure("receive", ex));
            }

            MqttErrorCode rc;
            lock (_sync)
            {
                if (read == 0)
                {
                    return Fail(MqttErrorCode.ConnectionLost, "the broker closed the connection");
                }

                _input.Advance(read);
                _bytesReceived += read;
                rc = HandleInput();
            }

            if (rc != MqttErrorCode.Success)
            {
                return rc;
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return MqttErrorCode.Success;
    }

    /// <summary>
    /// With many mostly idle sessions, hold no buffers while waiting: reads wait for data before renting an input
    /// buffer, and output buffers go back to the pool once flushed. Costs a second receive call per wait.
    /// </summary>
    public bool ReleaseBuffersWhenIdle { get; set; }

    /// <summary>Bytes of pooled buffer the client holds right now (input, output and the one being sent).</summary>
    public int BufferBytesHeld
    {
        get
        {
            lock (_sync)
            {
                return _input.Capacity + _output.Capacity + _sending.Capacity;
            }
        }
    }

    // True when unparsed input is waiting (a partial packet): then a buffer is needed anyway. Otherwise the input
    // buffer is handed back before the wait.
    private bool WaitIsOver()
    {
        lock (_sync)
        {
            if (_input.Count > 0)
            {
                return true;
            }

            _input.ReleaseIfEmpty();
            return false;
        }
    }

    /// <summary>
    /// Sends everything written so far. Concurrent calls are safe: one flusher sends while the others return, and it
    /// loops until nothing is left, so no write is stranded.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        if (FlushOnLoop())
        {
            return;
        }

        while (Interlocked.Exchange(ref _flushing, 1) == 0)
        {
            await FlushHeldAsync(cancellationToken).ConfigureAwait(false);

            // A writer may have added bytes after the last look and returned because this flush was still running:
            // look once more now that the flag is down, or those bytes would wait for the next flush.
            lock (_sync)
            {
                if (_transport is null || _output.Count == 0)
                {
                    return;
                }
            }
        }
    }

    // Sends until nothing is left; runs with _flushing held, and lowers it at the end.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                IMqttTransport? transport;
                lock (_sync)
                {
                    transport = _transport;
                    if (transport is null || _output.Count == 0)
                    {
                        if (ReleaseBuffersWhenIdle)
                        {
                            _output.ReleaseIfEmpty();
                            _sending.ReleaseIfEmpty();
                        }

                        return;
                    }

                    (_output, _sending) = (_sending, _output);
                }

                int count = _sending.Count;
                await transport.SendAsync(_sending.Pending, cancellationToken).ConfigureAwait(false);
                lock (_sync)
                {
                    _sending.Clear();
                    BytesFlushed(count);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The caller stopped; whatever was not sent stays pending for the next flush or is dropped on close.
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException or IOException or System.Net.WebSockets.WebSocketException)
        {
            Fail(MqttErrorCode.ConnectionLost, MqttClientCloseReasons.SocketFailure("send", ex));
        }
        finally
        {
            Volatile.Write(ref _flushing, 0);
        }
    }

    /// <summary>Time-driven work for the asynchronous model: keep-alive and interval resends, then a flush.</summary>
    public ValueTask TickAsync(CancellationToken cancellationToken = default)
    {
        LoopMisc();
        return FlushAsync(cancellationToken);
    }
}
