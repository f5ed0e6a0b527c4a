using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace LoadGen.Client;

/// <summary>
/// MQTT over WebSocket (<c>ws://</c>, and <c>wss://</c> with TLS): an HTTP upgrade with the <c>mqtt</c> subprotocol
/// (MQTT 3.1.1 §6, 5.0 §6), then MQTT bytes in binary frames. The upgrade is done here, on LoadGen's own TCP socket,
/// so source addresses work as they do for plain TCP. Offers the awaitable calls only (the shared asynchronous model).
/// </summary>
public sealed class WebSocketTransport : IMqttTransport
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private readonly WebSocket _socket;
    private readonly Stream _stream;

    private WebSocketTransport(Socket socket, Stream stream, WebSocket webSocket, long handshakeStarted, long handshakeEnded)
    {
        Socket = socket;
        _stream = stream;
        _socket = webSocket;
        HandshakeStarted = handshakeStarted;
        HandshakeEnded = handshakeEnded;
    }

    /// <inheritdoc/>
    public Socket Socket { get; }

    /// <inheritdoc/>
    public bool SupportsNonBlocking => false;

    /// <summary>When the TLS handshake began under <c>wss://</c> (0 under <c>ws://</c>).</summary>
    public long HandshakeStarted { get; }

    /// <summary>When the TLS handshake finished under <c>wss://</c>.</summary>
    public long HandshakeEnded { get; }

    /// <summary>
    /// Connects to <paramref name="remote"/> and upgrades to a WebSocket at <paramref name="url"/> (its host names the
    /// broker in the Host header and, under <c>wss://</c>, in the certificate check).
    /// </summary>
    /// <exception cref="WebSocketException">The broker refused the upgrade or the <c>mqtt</c> subprotocol.</exception>
    public static WebSocketTransport Connect(IPEndPoint remote, Uri url, TimeSpan timeout, TlsClientContext? tls, IPAddress? sourceAddress = null)
    {
        Socket socket;
        Stream stream;
        long started = 0, ended = 0;
        if (url.Scheme == "wss")
        {
            SslStream ssl;
            (socket, ssl, started, ended) = TlsTransport.Open(remote, url.Host, timeout, tls ?? new TlsSettings().Load(), sourceAddress);
            stream = ssl;
        }
        else
        {
            socket = TcpTransport.Connect(remote, timeout, sourceAddress).Socket;
            socket.Blocking = true;
            stream = new NetworkStream(socket, ownsSocket: true);
        }

        try
        {
            socket.ReceiveTimeout = socket.SendTimeout = (int)timeout.TotalMilliseconds;
            Upgrade(stream, url);
            socket.ReceiveTimeout = socket.SendTimeout = 0;
            WebSocket webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
            {
                IsServer = false,
                SubProtocol = "mqtt",
                // MQTT has its own keep-alive; WebSocket pings would only add traffic to what is measured.
                KeepAliveInterval = TimeSpan.Zero,
            });
            return new WebSocketTransport(socket, stream, webSocket, started, ended);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    // RFC 6455 §4.1: the opening handshake, checked as a client must (101, the accept hash, the subprotocol).
    private static void Upgrade(Stream stream, Uri url)
    {
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        string path = string.IsNullOrEmpty(url.PathAndQuery) ? "/" : url.PathAndQuery;
        string request = $"GET {path} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n";
        stream.Write(Encoding.ASCII.GetBytes(request));
        stream.Flush();

        // Byte by byte up to the blank line: anything after it belongs to the WebSocket, not to this reader.
        var head = new StringBuilder();
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            head.Append((char)b);
            if (head.Length >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                break;
            }

            if (head.Length > 8192)
            {
                throw new WebSocketException(WebSocketError.HeaderError, "WebSocket upgrade: response headers longer than 8 KiB");
            }
        }

        string[] lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || !lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new WebSocketException(WebSocketError.NotAWebSocket, $"WebSocket upgrade refused: {(lines.Length > 0 ? lines[0] : "connection closed")}");
        }

        Dictionary<string, string> headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
        string expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        if (headers.GetValueOrDefault("Sec-WebSocket-Accept") != expected)
        {
            throw new WebSocketException(WebSocketError.HeaderError, "WebSocket upgrade: Sec-WebSocket-Accept does not match the key");
        }

        if (!string.Equals(headers.GetValueOrDefault("Sec-WebSocket-Protocol"), "mqtt", StringComparison.OrdinalIgnoreCase))
        {
            throw new WebSocketException(WebSocketError.UnsupportedProtocol, "WebSocket upgrade: the broker did not accept the mqtt subprotocol");
        }
    }

    /// <inheritdoc/>
    public int Receive(Span<byte> destination) => throw new NotSupportedException("WebSocket serves the asynchronous model (RunAsync) only");

    /// <inheritdoc/>
    public int Send(ReadOnlySpan<byte> source) => throw new NotSupportedException("WebSocket serves the asynchronous model (RunAsync) only");

    /// <inheritdoc/>
    public async ValueTask<int> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(destination, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
            {
                return 0;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return 0;
            }

            // MQTT packets may span frames and frames may hold several packets: the bytes are a stream either way.
            if (result.Count > 0 || destination.IsEmpty)
            {
                return result.Count;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask SendAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken) =>
        _socket.SendAsync(source, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
        _stream.Dispose();
    }
}
