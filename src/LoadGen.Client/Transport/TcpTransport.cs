using System.Net;
using System.Net.Sockets;

namespace LoadGen.Client;

/// <summary>
/// Plain TCP. Nagle is off (MQTT packets are small and latency is what we measure), and the socket is non-blocking
/// so paho-style loops never stall a thread on it.
/// </summary>
public sealed class TcpTransport : IMqttTransport
{
    private TcpTransport(Socket socket) => Socket = socket;

    /// <inheritdoc/>
    public Socket Socket { get; }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>, optionally from a chosen source address.</summary>
    public static TcpTransport Connect(string host, int port, TimeSpan timeout, IPAddress? sourceAddress = null) =>
        Connect(Resolve(host, port), timeout, sourceAddress);

    /// <summary>The IPv4 endpoint of <paramref name="host"/>:<paramref name="port"/> (a literal address or a DNS name).</summary>
    public static IPEndPoint Resolve(string host, int port) => new(
        IPAddress.TryParse(host, out IPAddress? parsed)
            ? parsed
            : Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork),
        port);

    /// <summary>
    /// Connects to <paramref name="remote"/>. A load generator resolves the broker once and passes the same endpoint
    /// for every session: the socket keeps a reference to it, so a fresh one each would cost every session 72 B.
    /// </summary>
    public static TcpTransport Connect(IPEndPoint remote, TimeSpan timeout, IPAddress? sourceAddress = null)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (sourceAddress is not null)
            {
                // IP_BIND_ADDRESS_NO_PORT: pick the port at connect time, so one source address is not capped at the
                // ephemeral range and ports do not linger in TIME_WAIT (see ../shared/FACTS.md).
                socket.SetRawSocketOption(0, 24, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(sourceAddress, 0));
            }

            // A non-blocking connect waited on with poll(): no completion callback is involved, so a connect never
            // depends on the socket engine's threads being free, whatever the process does with them.
            socket.Blocking = false;
            try
            {
                socket.Connect(remote);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                if (!socket.Poll((int)Math.Min(int.MaxValue, timeout.TotalMicroseconds), SelectMode.SelectWrite))
                {
                    throw new SocketException((int)SocketError.TimedOut);
                }

                int error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                if (error != 0)
                {
                    throw new SocketException(error);
                }
            }

            socket.Blocking = false;
            return new TcpTransport(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public int Receive(Span<byte> destination)
    {
        int read = Socket.Receive(destination, SocketFlags.None, out SocketError error);
        return error switch
        {
            SocketError.Success => read == 0 ? -1 : read,
            SocketError.WouldBlock => 0,
            _ => throw new SocketException((int)error),
        };
    }

    /// <inheritdoc/>
    public int Send(ReadOnlySpan<byte> source)
    {
        int sent = Socket.Send(source, SocketFlags.None, out SocketError error);
        return error switch
        {
            SocketError.Success => sent,
            SocketError.WouldBlock => 0,
            _ => throw new SocketException((int)error),
        };
    }

    /// <inheritdoc/>
    public ValueTask<int> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken) =>
        Socket.ReceiveAsync(destination, SocketFlags.None, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        while (!source.IsEmpty)
        {
            int sent = await Socket.SendAsync(source, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            source = source[sent..];
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Socket.Dispose();
}
