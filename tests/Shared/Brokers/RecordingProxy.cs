using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LoadGen.Protocol;

namespace LoadGen.Testing;

/// <summary>
/// A small MQTT-aware TCP proxy on 127.0.0.1 between a client and a real broker. It frames the bytes in both
/// directions with our scanner and records one line per packet ("C>B PUBLISH q1 d0", "B>C PUBACK"), and it can drop
/// chosen packets, replace them, or cut every connection, which is how tests force lost acknowledgements and
/// malformed packets.
/// </summary>
internal sealed class RecordingProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _sockets = new();
    private readonly List<string> _log = new();
    private readonly Task _acceptLoop;
    private readonly ManualResetEventSlim _clientReadsOpen = new(initialState: true);

    public RecordingProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Decides, per packet, whether to drop it: (direction "C>B" or "B>C", description) → drop.</summary>
    public Func<string, string, bool>? Drop { get; set; }

    /// <summary>
    /// Decides, per packet, whether to send other bytes in its place: (direction, description) → the bytes to send,
    /// or null to pass the packet on. This is how tests hand a client a malformed packet from a real broker.
    /// </summary>
    public Func<string, string, byte[]?>? Replace { get; set; }

    /// <summary>Every packet seen, in order, as "C>B TYPE ..." lines; dropped ones end in " (dropped)".</summary>
    public List<string> Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToList();
            }
        }
    }

    /// <summary>Blocks until a logged line satisfies <paramref name="match"/>; fails the test after the timeout.</summary>
    public void WaitFor(Func<string, bool> match, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        lock (_log)
        {
            while (!_log.Any(match))
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException("the proxy never saw the expected packet; it saw: " + string.Join(", ", _log));
                }

                Monitor.Wait(_log, left);
            }
        }
    }

    /// <summary>Stops reading from clients, so their socket buffers fill and their writes would block.</summary>
    public void PauseClientReads() => _clientReadsOpen.Reset();

    /// <summary>Reads from clients again.</summary>
    public void ResumeClientReads() => _clientReadsOpen.Set();

    public void ClearLog()
    {
        lock (_log)
        {
            _log.Clear();
        }
    }

    /// <summary>Closes every proxied connection, as a network failure would.</summary>
    public void CutAll()
    {
        foreach (Socket socket in _sockets)
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }

            socket.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _upstreamPort));
            _sockets.Add(client);
            _sockets.Add(upstream);
            _ = PumpAsync(client, upstream, "C>B");
            _ = PumpAsync(upstream, client, "B>C");
        }
    }

    private async Task PumpAsync(Socket from, Socket to, string direction)
    {
        byte[] buffer = new byte[1 << 20];
        int count = 0;
        try
        {
            while (true)
            {
                if (direction == "C>B" && !_clientReadsOpen.IsSet)
                {
                    await Task.Run(() => _clientReadsOpen.Wait(_stop.Token));
                }

                int read = await from.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                count += read;
                var sequence = new ReadOnlySequence<byte>(buffer, 0, count);
                int consumed = 0;
                while (MqttFrameScanner.TryRead(ref sequence, out MqttFrame frame) == OperationStatus.Done)
                {
                    string description = Describe(frame);
                    bool drop = Drop?.Invoke(direction, description) == true;
                    lock (_log)
                    {
                        _log.Add($"{direction} {description}{(drop ? " (dropped)" : "")}");
                        Monitor.PulseAll(_log);
                    }

                    byte[]? replacement = drop ? null : Replace?.Invoke(direction, description);
                    if (replacement is not null)
                    {
                        await to.SendAsync(replacement, SocketFlags.None);
                    }
                    else if (!drop)
                    {
                        await to.SendAsync(buffer.AsMemory(consumed, frame.Length), SocketFlags.None);
                    }

                    consumed += frame.Length;
                }

                buffer.AsSpan(consumed, count - consumed).CopyTo(buffer);
                count -= consumed;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            try
            {
                to.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    // Version-independent: the fixed header and, where present, the packet identifier right after it.
    private static string Describe(in MqttFrame frame)
    {
        if (frame.Type == MqttPacketType.Publish)
        {
            int qos = (frame.Flags >> 1) & 3;
            return $"PUBLISH q{qos} d{(frame.Flags >> 3) & 1}";
        }

        return frame.Type.ToString().ToUpperInvariant();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        CutAll();
        await _acceptLoop;
    }
}
