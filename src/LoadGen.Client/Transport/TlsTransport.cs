using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace LoadGen.Client;

/// <summary>
/// MQTT over TLS (<c>mqtts://</c>): TCP, then a TLS handshake timed on its own. Offers the awaitable calls only, so it
/// serves the shared asynchronous model (the load engine's).
/// </summary>
public sealed class TlsTransport : IMqttTransport
{
    private readonly SslStream _stream;

    private TlsTransport(Socket socket, SslStream stream, long handshakeStarted, long handshakeEnded)
    {
        Socket = socket;
        _stream = stream;
        HandshakeStarted = handshakeStarted;
        HandshakeEnded = handshakeEnded;
    }

    /// <inheritdoc/>
    public Socket Socket { get; }

    /// <inheritdoc/>
    public bool SupportsNonBlocking => false;

    /// <summary>When the TLS handshake began (a <see cref="Stopwatch"/> timestamp, after the TCP connection was up).</summary>
    public long HandshakeStarted { get; }

    /// <summary>When the TLS handshake finished.</summary>
    public long HandshakeEnded { get; }

    /// <summary>The negotiated protocol, for reports.</summary>
    public System.Security.Authentication.SslProtocols Protocol => _stream.SslProtocol;

    /// <summary>Connects to <paramref name="remote"/> and completes a TLS handshake with a broker known as <paramref name="host"/>.</summary>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The handshake failed (for example, the certificate is not trusted).</exception>
    public static TlsTransport Connect(IPEndPoint remote, string host, TimeSpan timeout, TlsClientContext tls, IPAddress? sourceAddress = null)
    {
        (Socket socket, SslStream stream, long started, long ended) = Open(remote, host, timeout, tls, sourceAddress);
        return new TlsTransport(socket, stream, started, ended);
    }

    // TCP, then the handshake on a blocking socket (a connect is synchronous here) bounded by the timeout.
    internal static (Socket Socket, SslStream Stream, long Started, long Ended) Open(IPEndPoint remote, string host, TimeSpan timeout,
        TlsClientContext tls, IPAddress? sourceAddress)
    {
        Socket socket = TcpTransport.Connect(remote, timeout, sourceAddress).Socket;
        // NetworkStream takes only a blocking socket; its async calls do not block a thread either way.
        socket.Blocking = true;
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            socket.ReceiveTimeout = socket.SendTimeout = (int)timeout.TotalMilliseconds;
            long started = Stopwatch.GetTimestamp();
            stream.AuthenticateAsClient(tls.OptionsFor(host));
            long ended = Stopwatch.GetTimestamp();
            socket.ReceiveTimeout = socket.SendTimeout = 0;
            return (socket, stream, started, ended);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public int Receive(Span<byte> destination) => throw new NotSupportedException("TLS serves the asynchronous model (RunAsync) only");

    /// <inheritdoc/>
    public int Send(ReadOnlySpan<byte> source) => throw new NotSupportedException("TLS serves the asynchronous model (RunAsync) only");

    /// <inheritdoc/>
    public ValueTask<int> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken) =>
        _stream.ReadAsync(destination, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SendAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken) =>
        _stream.WriteAsync(source, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}
