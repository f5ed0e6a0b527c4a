using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using LoadGen.Protocol;

namespace LoadGen.Engine;

/// <summary>
/// An MQTT-aware TCP proxy, in process, that makes things go wrong on purpose (<see cref="FaultPlan"/>): it reads each
/// direction through System.IO.Pipelines, frames packets in place with the codec's scanner, and drops, delays,
/// throttles, stalls or cuts as planned. Delayed packets keep their order: each is due at its arrival plus the delay,
/// never before the one ahead of it, and a sender per direction waits for that moment on the precise timer.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly EndPoint _upstream;
    private readonly FaultPlan _plan;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Task _accepting;
    private readonly Task _cutting;

    private FaultProxy(EndPoint upstream, FaultPlan plan, IPEndPoint listen)
    {
        _upstream = upstream;
        _plan = plan;
        _random = new Random(plan.Seed);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(listen);
        _listener.Listen(1024);
        _accepting = AcceptAsync();
        _cutting = CutPeriodicallyAsync();
    }

    /// <summary>What the proxy did.</summary>
    public FaultCounters Counters { get; } = new();

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Starts a proxy on 127.0.0.1 (port 0: any free one) in front of <paramref name="upstreamHost"/>:<paramref name="upstreamPort"/>.</summary>
    public static FaultProxy Start(string upstreamHost, int upstreamPort, FaultPlan plan, int listenPort = 0)
    {
        IPAddress address = IPAddress.TryParse(upstreamHost, out IPAddress? ip) ? ip : Dns.GetHostAddresses(upstreamHost)[0];
        return new FaultProxy(new IPEndPoint(address, upstreamPort), plan, new IPEndPoint(IPAddress.Loopback, listenPort));
    }

    /// <summary>Cuts every connection now, as a network failure would.</summary>
    public void CutAll()
    {
        foreach (Connection connection in _connections.Keys)
        {
            connection.Cut(Counters);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();

        // Connections whose client already left are still forwarding its last packets (a DISCONNECT): let them end
        // by themselves, briefly, before the rest are cut.
        var clock = Stopwatch.StartNew();
        while (!_connections.IsEmpty && clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        _stop.Cancel();
        foreach (Connection connection in _connections.Keys)
        {
            connection.Close();
        }

        await _accepting.ConfigureAwait(false);
        await _cutting.ConfigureAwait(false);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var upstream = new Socket(_upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(_upstream, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            client.Dispose();
            upstream.Dispose();
            return;
        }

        Counters.AddConnection();
        var connection = new Connection(client, upstream);
        _connections[connection] = 0;
        try
        {
            await Task.WhenAll(
                PumpAsync(connection, client, upstream, FaultDirection.Upstream),
                PumpAsync(connection, upstream, client, FaultDirection.Downstream)).ConfigureAwait(false);
        }
        finally
        {
            connection.Close();
            _connections.TryRemove(connection, out _);
        }
    }

    // Reads one direction in place, frames it, decides per packet, and hands what survives to the sender in order.
    private async Task PumpAsync(Connection connection, Socket from, Socket to, FaultDirection direction)
    {
        var reader = PipeReader.Create(new NetworkStream(from, ownsSocket: false));
        var writer = PipeWriter.Create(new NetworkStream(to, ownsSocket: false));
        var queue = Channel.CreateUnbounded<(long Due, long Arrived, byte[] Bytes, int Length)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task sending = SendAsync(connection, queue.Reader, writer, direction);
        TimeSpan delay = direction == FaultDirection.Upstream ? _plan.UpstreamDelay : _plan.DownstreamDelay;
        long lastDue = 0;
        try
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                ReadOnlySequence<byte> before = buffer;
                while (MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame) == OperationStatus.Done)
                {
                    ReadOnlySequence<byte> packet = before.Slice(0, frame.Length);
                    before = buffer;
                    if (Drop(frame.Type, direction))
                    {
                        continue;
                    }

                    if (_plan.CutProbability > 0 && Draw() < _plan.CutProbability)
                    {
                        connection.Cut(Counters);
                        return;
                    }

                    // Copied out of the reader's buffer, which moves on while the packet may still wait for its moment.
                    byte[] bytes = ArrayPool<byte>.Shared.Rent(frame.Length);
                    packet.CopyTo(bytes);
                    long now = Stopwatch.GetTimestamp();
                    long extra = delay.Ticks == 0 && _plan.Jitter.Ticks == 0 ? 0 : Ticks(delay) + (long)(Draw() * Ticks(_plan.Jitter));
                    long due = Math.Max(lastDue, now + extra);
                    lastDue = due;
                    if (extra > 0)
                    {
                        Counters.AddDelayed();
                    }

                    queue.Writer.TryWrite((due, extra > 0 ? now : 0, bytes, frame.Length));
                }

                reader.AdvanceTo(buffer.Start, read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or MqttProtocolException)
        {
            // The connection ended (or was cut, or sent what is not MQTT): the other direction ends with it.
        }
        finally
        {
            queue.Writer.TryComplete();
            await sending.ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            connection.Close();
        }
    }

    private async Task SendAsync(Connection connection, ChannelReader<(long Due, long Arrived, byte[] Bytes, int Length)> queue, PipeWriter writer, FaultDirection direction)
    {
        long bandwidthFree = 0;
        bool stalled = false;
        bool unflushed = false;
        try
        {
            while (await queue.WaitToReadAsync().ConfigureAwait(false))
            {
                while (queue.TryRead(out (long Due, long Arrived, byte[] Bytes, int Length) item))
                {
                    try
                    {
                        if (unflushed && item.Due > Stopwatch.GetTimestamp())
                        {
                            // What is written must not wait for the next packet's moment: that would add the gap
                            // between them to its own delay.
                            FlushResult early = await writer.FlushAsync().ConfigureAwait(false);
                            unflushed = false;
                            if (early.IsCompleted || early.IsCanceled)
                            {
                                return;
                            }
                        }

                        await WaitAsync(item.Due).ConfigureAwait(false);
                        if (_plan.StallFor > TimeSpan.Zero)
                        {
                            long stallStart = _started + Ticks(_plan.StallAfter);
                            long stallEnd = stallStart + Ticks(_plan.StallFor);
                            long now = Stopwatch.GetTimestamp();
                            if (now >= stallStart && now < stallEnd)
                            {
                                if (!stalled && direction == FaultDirection.Downstream)
                                {
                                    Counters.AddStall();
                                }

                                stalled = true;
                                await WaitAsync(stallEnd).ConfigureAwait(false);
                            }
                        }

                        if (_plan.BandwidthBytesPerSecond > 0)
                        {
                            long now = Stopwatch.GetTimestamp();
                            long start = Math.Max(now, bandwidthFree);
                            bandwidthFree = start + item.Length * Stopwatch.Frequency / _plan.BandwidthBytesPerSecond;
                            if (start > now)
                            {
                                Counters.AddThrottled(LatencyHistograms.ToMicroseconds(start - now));
                                await WaitAsync(start).ConfigureAwait(false);
                            }
                        }

                        writer.Write(item.Bytes.AsSpan(0, item.Length));
                        unflushed = true;
                        Counters.AddForwarded();
                        if (item.Arrived != 0)
                        {
                            Counters.AddHeld(direction, LatencyHistograms.ToMicroseconds(Stopwatch.GetTimestamp() - item.Arrived));
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(item.Bytes);
                    }
                }

                FlushResult flushed = await writer.FlushAsync().ConfigureAwait(false);
                unflushed = false;
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // This side is gone. The other direction ends the connection when it has forwarded what it read: closing
            // both now could drop a client's last packets (its DISCONNECT) on their way to the broker.
        }
        finally
        {
            // Whatever was still queued is returned to the pool: the connection is gone.
            while (queue.TryRead(out (long Due, long Arrived, byte[] Bytes, int Length) left))
            {
                ArrayPool<byte>.Shared.Return(left.Bytes);
            }

            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private bool Drop(MqttPacketType type, FaultDirection direction)
    {
        foreach (DropRule rule in _plan.Drops)
        {
            if (rule.Type == type && rule.Direction == direction && Draw() < rule.Probability)
            {
                Counters.AddDropped($"{type.ToString().ToUpperInvariant()} {direction.ToString().ToLowerInvariant()}");
                return true;
            }
        }

        return false;
    }

    private async Task CutPeriodicallyAsync()
    {
        if (_plan.CutEvery <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(_plan.CutEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                CutAll();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    // Sleeps until shortly before the packet is due, then spins the last stretch: a timer wake-up is 50-100 µs late
    // here, which would add itself to every emulated delay (two of them to a QoS 1 round trip).
    private async Task WaitAsync(long due)
    {
        long early = due - Stopwatch.Frequency / 5_000;
        if (early > Stopwatch.GetTimestamp())
        {
            await PreciseTimer.Shared.WaitUntilAsync(early, _stop.Token).ConfigureAwait(false);
        }

        while (Stopwatch.GetTimestamp() < due)
        {
            Thread.SpinWait(20);
        }
    }

    private double Draw()
    {
        lock (_randomLock)
        {
            return _random.NextDouble();
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    // Both sockets of one proxied connection.
    private sealed class Connection(Socket client, Socket upstream)
    {
        private int _closed;

        public void Cut(FaultCounters counters)
        {
            if (Volatile.Read(ref _closed) == 0)
            {
                counters.AddCut();
            }

            Close();
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }

            foreach (Socket socket in new[] { client, upstream })
            {
                try
                {
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // Already gone.
                }

                socket.Dispose();
            }
        }
    }
}
