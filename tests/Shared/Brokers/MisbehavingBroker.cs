using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace LoadGen.Testing;

/// <summary>
/// An MQTT 3.1.1 and 5.0 broker on 127.0.0.1 that misbehaves as its <see cref="BrokerScript"/> says: it refuses or
/// ignores CONNECT, withholds, refuses or paces acknowledgements, sends malformed packets and enforces the limits it
/// advertises. With the default script it is a small correct broker that routes PUBLISH to matching subscriptions.
/// It reads and writes the wire itself, not through LoadGen.Protocol, because it is the oracle that code is tested
/// against. Not implemented: retained messages, wills, persistent sessions, shared subscriptions, keep-alive timeouts.
/// This file holds the listener, counters, acknowledgement pacing and routing; MisbehavingBroker.Session.cs a
/// connection's loops; MisbehavingBroker.Packets.cs what it does with each packet.
/// </summary>
internal sealed partial class MisbehavingBroker : IBroker
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Session, bool> _sessions = new();
    private readonly Lock _gate = new();
    private readonly Channel<PendingAck> _acks = Channel.CreateUnbounded<PendingAck>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _acceptLoop;
    private readonly Task _ackLoop;
    private readonly int[] _packetsByType = new int[16];
    private volatile Session[] _subscribed = [];
    private TimeSpan _lastAckDue;
    private int _connections;
    private int _publishesWithDup;
    private int _largestPacket;
    private int _lastLevel;
    private int _violations;
    private int _disposed;
    private long _bytesReceived;
    private long _lastMaximumPacketSize = -1;
    private string? _lastViolation;

    private MisbehavingBroker(BrokerScript script)
    {
        Script = script;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptAsync();
        _ackLoop = Paced ? PaceAcksAsync() : Task.CompletedTask;
    }

    public string Name => "misbehaving";

    public int Port { get; }

    /// <summary>Where clients connect: <c>mqtt://127.0.0.1:port</c>.</summary>
    public string Url => $"mqtt://127.0.0.1:{Port}";

    /// <summary>What this broker does wrong.</summary>
    public BrokerScript Script { get; }

    /// <summary>TCP connections accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>CONNECT packets received.</summary>
    public int Connects => Received(1);

    /// <summary>PUBLISH packets received.</summary>
    public int Publishes => Received(3);

    /// <summary>PUBLISH packets received with the DUP flag set.</summary>
    public int PublishesWithDup => Volatile.Read(ref _publishesWithDup);

    /// <summary>DISCONNECT packets received from clients.</summary>
    public int Disconnects => Received(14);

    /// <summary>Bytes read from all clients.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>The protocol level of the last CONNECT: 4 for 3.1.1, 5 for 5.0.</summary>
    public int LastConnectProtocolLevel => Volatile.Read(ref _lastLevel);

    /// <summary>The Maximum Packet Size (property 0x27) of the last CONNECT, or null when it had none.</summary>
    public uint? LastConnectMaximumPacketSize => Interlocked.Read(ref _lastMaximumPacketSize) is long size and >= 0 ? (uint)size : null;

    /// <summary>The largest whole packet received, in bytes.</summary>
    public int LargestPacketReceived => Volatile.Read(ref _largestPacket);

    /// <summary>Protocol errors the clients made (malformed packets, broken limits); <see cref="LastViolation"/> says what.</summary>
    public int Violations => Volatile.Read(ref _violations);

    /// <summary>The last protocol error a client made, in words, or null.</summary>
    public string? LastViolation => Volatile.Read(ref _lastViolation);

    private bool Paced => Script.AckDelay is not null || Script.AcksPerSecond is not null;

    /// <summary>Listens on a free 127.0.0.1 port at once; dispose to close the listener and every connection.</summary>
    public static MisbehavingBroker Start(BrokerScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(script.AcksPerSecond ?? 1, nameof(script.AcksPerSecond));

        // The broker's sessions and its acknowledgement pacing run on this process's thread pool, which starts with a
        // thread per core and adds one about every half second. A test that waits on a loadgen process holds some of
        // those threads, and in a fresh test host the pacing then stalled for 0.8 s once, early in the first run:
        // a broker that paces at a known rate must not wait for the pool to grow.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
        return new MisbehavingBroker(script);
    }

    /// <summary>Packets of this type (1 = CONNECT … 15 = AUTH) received from clients.</summary>
    public int Received(int packetType) => Volatile.Read(ref _packetsByType[packetType]);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _listener.Dispose();
        await _acceptLoop;
        await _ackLoop;

        // Each session sees the cancellation, closes its socket and ends; bounded so a stuck one cannot hang a test.
        Task[] running = _sessions.Keys.Select(s => s.Running).ToArray();
        try
        {
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        _stop.Dispose();
    }

    public override string ToString() => Name;

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            socket.NoDelay = true;
            var session = new Session(this, socket, Interlocked.Increment(ref _connections));
            _sessions[session] = true;
            session.Start();
        }
    }

    // One queue for the whole broker, so AcksPerSecond is a capacity shared by every client, as a real broker's is.
    // Slots are fixed when an acknowledgement is queued, so a late timer catches up instead of lowering the rate.
    // A PUBCOMP takes no slot of its own but still waits its turn behind the acknowledgements queued before it.
    private void ScheduleAck(PendingAck ack, bool paced)
    {
        if (!Paced)
        {
            ack.Session.Release(ack);
            return;
        }

        lock (_gate)
        {
            TimeSpan earliest = _clock.Elapsed + (Script.AckDelay ?? TimeSpan.Zero);
            TimeSpan slot = _lastAckDue + (paced && Script.AcksPerSecond is double rate ? TimeSpan.FromSeconds(1 / rate) : TimeSpan.Zero);
            _lastAckDue = earliest > slot ? earliest : slot;
            _acks.Writer.TryWrite(ack with { Due = _lastAckDue });
        }
    }

    // Due times only grow, so releasing in queue order keeps the acknowledgements in arrival order.
    private async Task PaceAcksAsync()
    {
        try
        {
            await foreach (PendingAck ack in _acks.Reader.ReadAllAsync(_stop.Token))
            {
                TimeSpan wait = ack.Due - _clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stop.Token);
                }

                ack.Session.Release(ack);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Route(Session from, string topic, Message message, int qos)
    {
        foreach (Session to in _subscribed)
        {
            int granted = to.Match(topic, from, out bool retainAsPublished);
            if (granted >= 0)
            {
                // MQTT 5.0 §3.8.4: the lower of the published and the granted QoS, unless the script overrides the grant.
                to.Deliver(message, Math.Min(qos, Script.DeliverQos ?? granted), retainAsPublished && message.Retain);
            }
        }
    }

    private void Subscribed(Session session, bool any)
    {
        lock (_gate)
        {
            _subscribed = [.. _subscribed.Where(s => s != session), .. any ? [session] : Array.Empty<Session>()];
        }
    }

    private void Forget(Session session)
    {
        Subscribed(session, any: false);
        _sessions.TryRemove(session, out _);
    }

    private void CountPacket(int type, int flags, int length)
    {
        Interlocked.Increment(ref _packetsByType[type]);
        if (type == 3 && (flags & 0x08) != 0)
        {
            Interlocked.Increment(ref _publishesWithDup);
        }

        int largest = Volatile.Read(ref _largestPacket);
        while (length > largest && Interlocked.CompareExchange(ref _largestPacket, length, largest) != largest)
        {
            largest = Volatile.Read(ref _largestPacket);
        }
    }

    private void RecordViolation(string what)
    {
        Volatile.Write(ref _lastViolation, what);
        Interlocked.Increment(ref _violations);
    }

    // MQTT 5.0 §2.1.4: one to four bytes of remaining length, seven bits each. Returns the whole packet's length,
    // -1 when the header is not all here yet, 0 when a fifth length byte makes it malformed.
    private static int FrameLength(ReadOnlySpan<byte> data, out int headerLength)
    {
        headerLength = 0;
        int remaining = 0;
        for (int i = 1; i <= 4; i++)
        {
            if (i >= data.Length)
            {
                return -1;
            }

            remaining |= (data[i] & 0x7F) << (7 * (i - 1));
            if (data[i] < 0x80)
            {
                headerLength = i + 1;
                return headerLength + remaining;
            }
        }

        return 0;
    }

    private static byte[] VarInt(int value)
    {
        var bytes = new List<byte>(4);
        do
        {
            bytes.Add((byte)(value % 128 | (value >= 128 ? 0x80 : 0)));
            value /= 128;
        }
        while (value > 0);
        return [.. bytes];
    }

    private static byte[] Frame(byte first, ReadOnlySpan<byte> body) => [first, .. VarInt(body.Length), .. body];

    // MQTT 5.0 §3.4.2.1: a zero reason code with no properties may be left out, which is also the 3.1.1 form.
    private static byte[] Ack(byte first, ushort id, int reason) =>
        reason == 0 ? [first, 0x02, (byte)(id >> 8), (byte)id] : [first, 0x03, (byte)(id >> 8), (byte)id, (byte)reason];

    // MQTT 5.0 §4.7: '+' is one level, a final '#' any number including none; wildcards at the start skip "$" topics.
    private static bool Matches(string filter, string topic)
    {
        if (topic.StartsWith('$') && filter[0] is '+' or '#')
        {
            return false;
        }

        int f = 0;
        int t = 0;
        while (f >= 0)
        {
            ReadOnlySpan<char> level = Level(filter, ref f);
            if (level is "#")
            {
                return true;
            }

            if (t < 0)
            {
                return false;
            }

            ReadOnlySpan<char> name = Level(topic, ref t);
            if (level is not "+" && !level.SequenceEqual(name))
            {
                return false;
            }
        }

        return t < 0;
    }

    // The level starting at start; start moves past the next '/', or to -1 after the last level.
    private static ReadOnlySpan<char> Level(string text, ref int start)
    {
        int slash = text.IndexOf('/', start);
        ReadOnlySpan<char> level = slash < 0 ? text.AsSpan(start) : text.AsSpan(start, slash - start);
        start = slash < 0 ? -1 : slash + 1;
        return level;
    }

    // MQTT 5.0 §4.7.1: '#' only as the whole last level, '+' only as a whole level.
    private static bool ValidFilter(string filter)
    {
        string[] levels = filter.Split('/');
        return filter.Length > 0 && levels.Select((l, i) =>
            (!l.Contains('#') || (l == "#" && i == levels.Length - 1)) && (!l.Contains('+') || l == "+")).All(ok => ok);
    }

    // MQTT 5.0 §2.2.2.2: the identifier decides the value's form, which is all a skipper needs to know.
    private static void SkipProperty(ref Reader reader, int id)
    {
        switch (id)
        {
            case 0x01 or 0x17 or 0x19 or 0x24 or 0x25 or 0x28 or 0x29 or 0x2A:
                reader.Take(1);
                break;
            case 0x13 or 0x21 or 0x22 or 0x23:
                reader.Take(2);
                break;
            case 0x02 or 0x11 or 0x18 or 0x27:
                reader.Take(4);
                break;
            case 0x0B:
                reader.VarInt();
                break;
            case 0x03 or 0x08 or 0x09 or 0x12 or 0x15 or 0x16 or 0x1A or 0x1C or 0x1F:
                reader.Binary();
                break;
            case 0x26:
                reader.Binary();
                reader.Binary();
                break;
            default:
                throw new InvalidDataException($"unknown property 0x{id:X2}");
        }
    }

    // A fixed-size integer property (MQTT 5.0 §2.2.2.2), written only when it has a value.
    private static void AddProperty(List<byte> properties, byte id, uint? maybe, int size)
    {
        if (maybe is not uint value)
        {
            return;
        }

        properties.Add(id);
        for (int shift = 8 * (size - 1); shift >= 0; shift -= 8)
        {
            properties.Add((byte)(value >> shift));
        }
    }

    private sealed record Message(byte[] Topic, byte[] Properties, byte[] Payload, bool Retain);

    private sealed record Subscription(string Filter, int Qos, bool NoLocal, bool RetainAsPublished);

    private readonly record struct PendingAck(Session Session, byte[] Packet, ushort Id, bool Frees, TimeSpan Due = default);

    /// <summary>A forwarded QoS 1 or 2 PUBLISH waiting for the client's Receive Maximum to make room.</summary>
    private readonly record struct Held(byte[] Packet, int IdOffset, int Qos);

    /// <summary>Bytes for the writer; Last and Endless break the framing, so nothing after them is sent.</summary>
    private readonly record struct Outgoing(byte[] Bytes, OutgoingKind Kind);

    private enum OutgoingKind
    {
        Normal,
        Last,
        Endless,
    }

    /// <summary>Reads MQTT fields; running past the end throws, which the session answers as a malformed packet.</summary>
    private ref struct Reader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _at;

        public readonly int Left => _span.Length - _at;

        public byte Byte() => Take(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public ReadOnlySpan<byte> Binary() => Take(UInt16());

        public string Utf8() => Encoding.UTF8.GetString(Binary());

        public int VarInt()
        {
            int value = 0;
            for (int i = 0; i < 4; i++)
            {
                byte b = Byte();
                value |= (b & 0x7F) << (7 * i);
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new InvalidDataException("a variable byte integer longer than four bytes");
        }

        public ReadOnlySpan<byte> Take(int count)
        {
            if ((uint)count > (uint)Left)
            {
                throw new InvalidDataException("a field runs past the end of its packet");
            }

            ReadOnlySpan<byte> taken = _span.Slice(_at, count);
            _at += count;
            return taken;
        }
    }
}
