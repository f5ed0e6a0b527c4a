using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using LoadGen.Protocol;

namespace LoadGen.Client;

public sealed partial class MqttClient
{
    private Thread? _loopThread;
    private volatile bool _stopLoop;

    // The managed id of the thread inside LoopForever (0 when none), so requests from other threads can write at once.
    private volatile int _loopThreadId;

    /// <summary>True when bytes wait to be written (paho's want_write), for external event loops.</summary>
    public bool WantWrite
    {
        get
        {
            lock (_sync)
            {
                return _output.Count > 0;
            }
        }
    }

    /// <summary>
    /// One pass of the network loop (paho's loop): wait up to <paramref name="timeout"/> for the socket, read and
    /// handle what arrived, write what is pending, then do the timed work.
    /// </summary>
    public MqttErrorCode Loop(TimeSpan timeout)
    {
        IMqttTransport? transport = _transport;
        if (transport is null)
        {
            return MqttErrorCode.NoConnection;
        }

        int micros = (int)Math.Clamp(timeout.TotalMicroseconds, 0, int.MaxValue);
        MqttErrorCode rc;
        if (WantWrite && transport.Socket.Poll(0, SelectMode.SelectWrite) && (rc = LoopWrite()) != MqttErrorCode.Success)
        {
            return rc;
        }

        bool readable;
        try
        {
            readable = transport.Socket.Poll(micros, SelectMode.SelectRead);
        }
        catch (ObjectDisposedException)
        {
            return MqttErrorCode.NoConnection;
        }

        if (readable && (rc = LoopRead()) != MqttErrorCode.Success)
        {
            return rc;
        }

        if (WantWrite && (rc = LoopWrite()) != MqttErrorCode.Success)
        {
            return rc;
        }

        return LoopMisc();
    }

    /// <summary>
    /// Reads what the socket has and handles every complete packet (paho's loop_read). A packet that breaks the
    /// protocol closes this connection with <see cref="MqttErrorCode.Protocol"/>; the error is counted.
    /// </summary>
    public MqttErrorCode LoopRead()
    {
        lock (_sync)
        {
            return ReceiveAndHandle(null);
        }
    }

    // One receive and every complete packet it finished. With a scratch buffer (an event loop's) and no partial frame
    // held, the bytes land there and only an incomplete frame's tail is copied into the client's own buffer; otherwise
    // they join that buffer. Lock held.
    private MqttErrorCode ReceiveAndHandle(byte[]? scratch)
    {
        IMqttTransport? transport = _transport;
        if (transport is null)
        {
            return MqttErrorCode.NoConnection;
        }

        bool direct = scratch is not null && _input.Count == 0;
        int read;
        try
        {
            read = transport.Receive(direct ? scratch : _input.GetSpan(4096));
        }
        catch (SocketException ex)
        {
            return Fail(MqttErrorCode.ConnectionLost, MqttClientCloseReasons.SocketFailure("receive", ex));
        }

        if (read < 0)
        {
            return Fail(MqttErrorCode.ConnectionLost, "the broker closed the connection");
        }

        _bytesReceived += read;
        if (!direct)
        {
            _input.Advance(read);
            return HandleInput();
        }

        int consumed = 0;
        MqttErrorCode rc = read == 0 ? MqttErrorCode.Success : HandleFrames(scratch!.AsMemory(0, read), out consumed);
        if (rc == MqttErrorCode.Success && consumed < read)
        {
            ReadOnlySpan<byte> tail = scratch!.AsSpan(consumed, read - consumed);
            tail.CopyTo(_input.GetSpan(tail.Length));
            _input.Advance(tail.Length);
        }

        return rc;
    }

    // Scans and handles every complete packet in the input buffer, then drops the consumed bytes. Lock held.
    private MqttErrorCode HandleInput()
    {
        MqttErrorCode rc = HandleFrames(_input.Pending, out int consumed);
        if (rc == MqttErrorCode.Success)
        {
            _input.Consume(consumed);
        }

        return rc;
    }

    // Scans and handles every complete packet in data; consumed says how many bytes they took. Lock held.
    private MqttErrorCode HandleFrames(ReadOnlyMemory<byte> data, out int consumed)
    {
        consumed = 0;
        var buffer = new ReadOnlySequence<byte>(data);
        long start = buffer.Length;
        long now = Stopwatch.GetTimestamp();
        try
        {
            while (_transport is not null &&
                   MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame, _session.Options.MaximumPacketSize) == OperationStatus.Done)
            {
                if (OnLog is not null)
                {
                    // Paho's "Received PUBLISH ..." debug lines; the string is built only when someone listens.
                    Log(MqttLogLevel.Debug, $"Received {frame.Type.ToString().ToUpperInvariant()}");
                }

                _session.HandleFrame(frame, _output, now);
            }
        }
        catch (MqttProtocolException ex)
        {
            ProtocolErrors++;
            LastProtocolError = ex;
            return Fail(MqttErrorCode.Protocol, $"protocol error from the broker ({ex.Violation}, 0x{(byte)ex.ReasonCode:X2}): {ex.Message}");
        }

        if (_transport is null)
        {
            // A callback or a refused CONNACK closed the connection while handling.
            return MqttErrorCode.ConnectionLost;
        }

        consumed = (int)(start - buffer.Length);
        return MqttErrorCode.Success;
    }

    /// <summary>
    /// Writes what is pending without blocking (paho's loop_write). When the socket cannot take it all,
    /// on_socket_register_write fires; when a blocked write later finishes, on_socket_unregister_write.
    /// </summary>
    public MqttErrorCode LoopWrite()
    {
        lock (_sync)
        {
            IMqttTransport? transport = _transport;
            if (transport is null)
            {
                return MqttErrorCode.NoConnection;
            }

            while (_output.Count > 0)
            {
                int sent;
                try
                {
                    sent = transport.Send(_output.PendingSpan);
                }
                catch (SocketException ex)
                {
                    return Fail(MqttErrorCode.ConnectionLost, MqttClientCloseReasons.SocketFailure("send", ex));
                }

                if (sent == 0)
                {
                    if (!_writeRegistered)
                    {
                        _writeRegistered = true;
                        OnSocketRegisterWrite?.Invoke(this, UserData, transport.Socket);
                    }

                    return MqttErrorCode.Success;
                }

                _output.Consume(sent);
                BytesFlushed(sent);
            }

            if (_writeRegistered)
            {
                _writeRegistered = false;
                OnSocketUnregisterWrite?.Invoke(this, UserData, transport.Socket);
            }

            return MqttErrorCode.Success;
        }
    }

    /// <summary>Timed work (paho's loop_misc): PINGREQ when idle, resends on the retry interval, keep-alive timeout.</summary>
    public MqttErrorCode LoopMisc()
    {
        lock (_sync)
        {
            if (_transport is null)
            {
                return MqttErrorCode.NoConnection;
            }

            long now = Stopwatch.GetTimestamp();
            if (_session.IsKeepAliveOverdue(now))
            {
                return Fail(MqttErrorCode.KeepAlive, MqttClientCloseReasons.NoPingResp);
            }

            _session.Poll(_output, now);
            if (_session.TakeAckTimeoutClose())
            {
                return Fail(MqttErrorCode.ConnectionLost, $"{MqttClientCloseReasons.AckTimeout} {_session.Options.AckTimeout?.TotalSeconds:0.###} s");
            }

            return MqttErrorCode.Success;
        }
    }

    /// <summary>
    /// Runs the loop on the calling thread until <see cref="LoopStop"/> or <see cref="Disconnect"/> (paho's
    /// loop_forever), reconnecting after an unexpected loss with a back-off from <paramref name="minRetryDelay"/>
    /// doubling to <paramref name="maxRetryDelay"/>.
    /// </summary>
    public void LoopForever(TimeSpan? minRetryDelay = null, TimeSpan? maxRetryDelay = null)
    {
        TimeSpan minDelay = minRetryDelay ?? TimeSpan.FromSeconds(1);
        TimeSpan maxDelay = maxRetryDelay ?? TimeSpan.FromSeconds(120);
        TimeSpan delay = minDelay;
        _stopLoop = false;
        _loopThreadId = Environment.CurrentManagedThreadId;
        try
        {
            RunLoopForever(minDelay, maxDelay, delay);
        }
        finally
        {
            _loopThreadId = 0;
        }
    }

    private void RunLoopForever(TimeSpan minDelay, TimeSpan maxDelay, TimeSpan delay)
    {
        while (!_stopLoop)
        {
            if (_transport is null)
            {
                if (_disconnectRequested || _connector is null)
                {
                    return;
                }

                // The wait is the reconnect back-off, not a way around a race: nothing else can make the broker return.
                using var backOff = new ManualResetEventSlim();
                backOff.Wait(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
                if (Reconnect() != MqttErrorCode.Success)
                {
                    continue;
                }
            }

            if (Loop(TimeSpan.FromMilliseconds(100)) == MqttErrorCode.Success && IsConnected)
            {
                delay = minDelay;
            }
        }
    }

    /// <summary>Starts <see cref="LoopForever"/> on a background thread of its own (paho's loop_start).</summary>
    public void LoopStart()
    {
        if (_loopThread is not null)
        {
            return;
        }

        _stopLoop = false;
        _loopThread = new Thread(() => LoopForever()) { IsBackground = true, Name = $"mqtt-loop {_session.Options.ClientId}" };
        _loopThread.Start();
    }

    /// <summary>Stops the background loop and waits for its thread (paho's loop_stop).</summary>
    public void LoopStop()
    {
        Thread? thread = _loopThread;
        if (thread is null)
        {
            return;
        }

        _stopLoop = true;
        if (thread != Thread.CurrentThread)
        {
            thread.Join();
        }

        _loopThread = null;
    }
}
