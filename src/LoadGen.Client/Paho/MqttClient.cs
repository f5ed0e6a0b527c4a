using System.Diagnostics;
using System.Net.Sockets;
using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// A paho-shaped MQTT client in C# naming: the 13 callbacks with paho's meaning and arguments, user data, publish /
/// subscribe / unsubscribe returning (rc, mid), and paho's loop models (<see cref="Loop"/>, <see cref="LoopForever"/>,
/// <see cref="LoopStart"/>, the external-event-loop trio <see cref="LoopRead"/>/<see cref="LoopWrite"/>/<see cref="LoopMisc"/>)
/// plus LoadGen's shared asynchronous model (<see cref="RunAsync"/>). The protocol itself lives in <see cref="MqttSession"/>;
/// this class owns the socket, the buffers and the callbacks. Split by concern into partial files.
/// </summary>
public sealed partial class MqttClient : IDisposable
{
    // One lock guards session and buffers: paho lets publish() be called from any thread while a loop runs in another.
    private readonly object _sync = new();
    private readonly MqttSession _session;
    private readonly PooledBufferWriter _input = new(8192);
    private PooledBufferWriter _output = new(8192);
    private IMqttTransport? _transport;
    private Func<IMqttTransport>? _connector;
    private bool _writeRegistered;
    private bool _disconnectRequested;

    /// <summary>Creates a client (paho's <c>Client(client_id, clean_session, userdata, protocol)</c>).</summary>
    public MqttClient(string clientId = "", bool cleanSession = true, object? userData = null,
        MqttProtocolVersion protocol = MqttProtocolVersion.V311)
        : this(new MqttSessionOptions { ClientId = clientId, CleanStart = cleanSession, ProtocolVersion = protocol }, userData)
    {
    }

    /// <summary>Creates a client from full session options.</summary>
    public MqttClient(MqttSessionOptions options, object? userData = null)
    {
        _session = new MqttSession(options, new SessionEvents(this));
        UserData = userData;
    }

    /// <summary>Paho's userdata, passed to every callback (user_data_set).</summary>
    public object? UserData { get; set; }

    /// <summary>The protocol state machine, for counters and inspection.</summary>
    public MqttSession Session => _session;

    /// <summary>The socket while connected (paho's socket()).</summary>
    public Socket? Socket => _transport?.Socket;

    /// <summary>True after an accepted CONNACK and until the connection ends.</summary>
    public bool IsConnected => _session.State == MqttSessionState.Connected;

    /// <summary>Why the last connection attempt failed before MQTT began (socket, TLS or WebSocket), or null.</summary>
    public string? LastConnectError { get; private set; }

    /// <summary>Packets from the broker that broke the protocol, each of which closed the connection.</summary>
    public long ProtocolErrors { get; private set; }

    /// <summary>The last protocol error, for reporting.</summary>
    public MqttProtocolException? LastProtocolError { get; private set; }

    /// <summary>
    /// The reason code of the DISCONNECT the broker sent on the current or last connection (MQTT 5.0 §3.14), or null
    /// when it sent none; cleared when a new connection starts.
    /// </summary>
    public MqttReasonCode? ServerDisconnectReason { get; private set; }

    /// <summary>Bytes written to the broker since the client was created or reset, across reconnects.</summary>
    public long BytesSent => Volatile.Read(ref _bytesFlushed);

    /// <summary>Bytes read from the broker since the client was created or reset, across reconnects.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>
    /// Opens a TCP connection and sends CONNECT (paho's connect). The CONNACK arrives through the loop, as
    /// <see cref="OnConnect"/>.
    /// </summary>
    public MqttErrorCode Connect(string host, int port = 1883, int keepAliveSeconds = 60)
    {
        if (_session.Options.KeepAlive != TimeSpan.FromSeconds(keepAliveSeconds))
        {
            _session.Reset(_session.Options with { KeepAlive = TimeSpan.FromSeconds(keepAliveSeconds) });
        }

        return Connect(() => TcpTransport.Connect(host, port, TimeSpan.FromSeconds(10)));
    }

    /// <summary>Connects through a custom transport (TLS, WebSocket, a test proxy).</summary>
    public MqttErrorCode Connect(Func<IMqttTransport> connector)
    {
        _connector = connector;
        return Reconnect();
    }

    /// <summary>
    /// Connects again to the same place (paho's reconnect). The session survives: with clean session off and the
    /// broker reporting the session present, unacknowledged messages are resent.
    /// </summary>
    public MqttErrorCode Reconnect()
    {
        if (_connector is null)
        {
            return MqttErrorCode.NoConnection;
        }

        IMqttTransport transport;
        try
        {
            transport = _connector();
        }
        catch (SocketException ex)
        {
            LastConnectError = ex.SocketErrorCode.ToString();
            Log(MqttLogLevel.Error, $"connect failed: {ex.SocketErrorCode}");
            return MqttErrorCode.Errno;
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            // TLS refused: the broker's certificate is not trusted, or ours was not accepted.
            LastConnectError = $"TLS: {ex.Message}";
            Log(MqttLogLevel.Error, $"connect failed: {LastConnectError}");
            return MqttErrorCode.Tls;
        }
        catch (Exception ex) when (ex is IOException or System.Net.WebSockets.WebSocketException or InvalidDataException)
        {
            LastConnectError = ex.Message;
            Log(MqttLogLevel.Error, $"connect failed: {ex.Message}");
            return MqttErrorCode.Errno;
        }

        lock (_sync)
        {
            _transport = transport;
            _disconnectRequested = false;
            ServerDisconnectReason = null;
            _input.Clear();
            _output.Clear();
            _writeRegistered = false;
            OnSocketOpen?.Invoke(this, UserData, transport.Socket);
            _session.Connect(_output, Stopwatch.GetTimestamp());
            Log(MqttLogLevel.Debug, "Sending CONNECT");
        }

        if (!transport.SupportsNonBlocking)
        {
            // TLS and WebSocket write only asynchronously; the flush sends CONNECT while the caller goes on.
            _ = FlushAsync();
            return MqttErrorCode.Success;
        }

        return LoopWrite();
    }

    /// <summary>Sends DISCONNECT and closes the socket (paho's disconnect); on_disconnect gets 0.</summary>
    public MqttErrorCode Disconnect()
    {
        IMqttTransport asyncOnly;
        lock (_sync)
        {
            if (_transport is null)
            {
                return MqttErrorCode.NoConnection;
            }

            _disconnectRequested = true;
            _session.Disconnect(_output, Stopwatch.GetTimestamp());
            if (_transport.SupportsNonBlocking)
            {
                LoopWrite();
                Close(MqttErrorCode.Success);
                return MqttErrorCode.Success;
            }

            asyncOnly = _transport;
        }

        // TLS and WebSocket write only asynchronously: send the DISCONNECT (bounded; it is a courtesy), then close.
        try
        {
            _ = FlushAsync().AsTask().Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }

        lock (_sync)
        {
            if (_transport == asyncOnly)
            {
                Close(MqttErrorCode.Success);
            }
        }

        return MqttErrorCode.Success;
    }

    /// <summary>
    /// Closes the connection without DISCONNECT, as a device that loses power or network does: the broker then
    /// publishes the will, if any [MQTT-3.1.2-8]. on_disconnect gets <see cref="MqttErrorCode.ConnectionLost"/>, and the
    /// session keeps its state for a reconnect.
    /// </summary>
    public MqttErrorCode Abort(string reason)
    {
        lock (_sync)
        {
            if (_transport is null)
            {
                return MqttErrorCode.NoConnection;
            }

            LastCloseReason = reason;
            Close(MqttErrorCode.ConnectionLost);
            return MqttErrorCode.Success;
        }
    }

    // Ends the connection: socket callbacks, session told, on_disconnect with 0 for a requested disconnect.
    private void Close(MqttErrorCode reason)
    {
        IMqttTransport? transport = _transport;
        if (transport is null)
        {
            return;
        }

        _transport = null;
        EpollLoop.Registration? leaving = _registration;
        if (leaving is not null)
        {
            // Out of its event loop while the socket is still open (it is disposed below, later, off this thread);
            // its run completes once the close is done, as the asynchronous model's does.
            _registration = null;
            leaving.Leave();
        }

        try
        {
            CloseConnection(transport, reason);
        }
        finally
        {
            leaving?.Complete(reason);
        }
    }

    private void CloseConnection(IMqttTransport transport, MqttErrorCode reason)
    {
        OnSocketClose?.Invoke(this, UserData, transport.Socket);
        // Shut down now but dispose off this thread and outside the lock: disposing a socket can wait for an
        // operation completing on the socket engine's thread, and that thread may be waiting for this very lock
        // (a receive callback about to publish). Shutdown alone already ends any pending receive.
        try
        {
            transport.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Already closed by the peer or the network.
        }

        ThreadPool.UnsafeQueueUserWorkItem(static t => t.Dispose(), transport, preferLocal: false);
        _session.ConnectionLost();
        _output.Clear();
        _input.Clear();
        _qos0Pending?.Clear();
        OnDisconnect?.Invoke(this, UserData, (int)reason);
    }

    /// <summary>Why the client itself last closed a connection (a failed read, an overdue PINGRESP, a timeout), in words; null if it never did.</summary>
    public string? LastCloseReason { get; private set; }

    private MqttErrorCode Fail(MqttErrorCode reason, string message)
    {
        LastCloseReason = message;
        Log(reason == MqttErrorCode.Protocol ? MqttLogLevel.Error : MqttLogLevel.Warning, message);
        lock (_sync)
        {
            Close(reason);
        }

        return reason;
    }

    private void Log(MqttLogLevel level, string message) => OnLog?.Invoke(this, UserData, level, message);

    /// <summary>Closes the connection if open and returns the buffers to the pool.</summary>
    public void Dispose()
    {
        LoopStop();
        lock (_sync)
        {
            if (_transport is not null)
            {
                Close(MqttErrorCode.Success);
            }

            _input.Dispose();
            _output.Dispose();
            _sending.Dispose();
        }
    }
}
