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
    public async Task<MqttErrorCode> RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IMqttTransport? transport = _transport;
            if (transport is null)
            {
                return MqttErrorCode.NoConnection;
            }

            Memory<byte> space;
            lock (_sync)
            {
                space = _input.GetMemory(4096);
            }

            int read;
            try
            {
                read = await transport.ReceiveAsync(space, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return MqttErrorCode.Success;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                return _transport is null ? MqttErrorCode.NoConnection : Fail(MqttErrorCode.ConnectionLost, $"receive failed: {ex.Message}");
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
    /// Sends everything written so far. Concurrent calls are safe: one flusher sends while the others return, and it
    /// loops until nothing is left, so no write is stranded.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _flushing, 1) != 0)
        {
            return;
        }

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
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            Fail(MqttErrorCode.ConnectionLost, $"send failed: {ex.Message}");
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
