using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Channels;

namespace LoadGen.Testing;

internal sealed partial class MisbehavingBroker
{
    /// <summary>
    /// One client connection: a read loop that frames packets and hands each to a handler (MisbehavingBroker.Packets.cs),
    /// and a writer that drains a queue. Handlers only queue bytes and never wait, so a slow subscriber cannot stall the
    /// publishers that feed it.
    /// </summary>
    private sealed partial class Session
    {
        private readonly MisbehavingBroker _broker;
        private readonly BrokerScript _script;
        private readonly Socket _socket;
        private readonly int _number;
        private readonly CancellationTokenSource _cut;
        private readonly Channel<Outgoing> _out = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });

        // Guards the packet-id tables and the subscriptions: acknowledgements and deliveries come from other threads.
        private readonly Lock _state = new();

        // The client's QoS 1 and 2 packet ids → QoS, until the acknowledgement that ends each has been sent.
        private readonly Dictionary<ushort, int> _inbound = new();

        // Our ids for forwarded publishes → the packet type we wait for: 4 PUBACK, 5 PUBREC, 7 PUBCOMP.
        private readonly Dictionary<ushort, int> _outbound = new();
        private readonly Queue<Held> _held = new();
        private readonly Dictionary<int, string> _aliases = new();
        private volatile Subscription[] _subscriptions = [];
        private volatile bool _connected;
        private bool _connectSeen;
        private bool _silent;
        private bool _garbageSent;
        private int _level;
        private int _packets;
        private int _publishes;
        private ushort _lastId;
        private int _receiveMaximum = ushort.MaxValue;
        private long _maximumPacketSize = uint.MaxValue;

        public Session(MisbehavingBroker broker, Socket socket, int number)
        {
            _broker = broker;
            _script = broker.Script;
            _socket = socket;
            _number = number;
            _cut = CancellationTokenSource.CreateLinkedTokenSource(broker._stop.Token);
        }

        public Task Running { get; private set; } = Task.CompletedTask;

        private bool V5 => _level == 5;

        public void Start() => Running = RunAsync();

        /// <summary>The highest QoS among this session's subscriptions that match the topic, or -1.</summary>
        public int Match(string topic, Session from, out bool retainAsPublished)
        {
            int best = -1;
            retainAsPublished = false;
            foreach (Subscription subscription in _subscriptions)
            {
                // MQTT 5.0 §3.8.3.1: No Local keeps a client's own publishes from coming back to it.
                if ((subscription.NoLocal && from == this) || !Matches(subscription.Filter, topic))
                {
                    continue;
                }

                best = Math.Max(best, subscription.Qos);
                retainAsPublished |= subscription.RetainAsPublished;
            }

            return best;
        }

        public void Deliver(Message message, int qos, bool retain)
        {
            byte[] packet = EncodePublish(message, qos, retain, out int idOffset);

            // MQTT 5.0 §3.1.2.11.4: a packet over the client's Maximum Packet Size is dropped, never sent.
            if (packet.Length > _maximumPacketSize)
            {
                return;
            }

            if (qos == 0)
            {
                Send(packet);
                return;
            }

            lock (_state)
            {
                _held.Enqueue(new Held(packet, idOffset, qos));
                FillWindow();
            }
        }

        /// <summary>Sends an acknowledgement the pacing queue let go, and frees its packet id.</summary>
        public void Release(PendingAck ack)
        {
            if (ack.Frees)
            {
                lock (_state)
                {
                    _inbound.Remove(ack.Id);
                }
            }

            Send(ack.Packet);
        }

        private void Send(byte[] bytes, OutgoingKind kind = OutgoingKind.Normal) => _out.Writer.TryWrite(new Outgoing(bytes, kind));

        // Called under _state: numbers held publishes while the client's Receive Maximum (MQTT 5.0 §3.1.2.11.3) has room.
        private void FillWindow()
        {
            while (_held.Count > 0 && _outbound.Count < _receiveMaximum)
            {
                Held held = _held.Dequeue();
                do
                {
                    _lastId = (ushort)(_lastId == ushort.MaxValue ? 1 : _lastId + 1);
                }
                while (_outbound.ContainsKey(_lastId));

                BinaryPrimitives.WriteUInt16BigEndian(held.Packet.AsSpan(held.IdOffset), _lastId);
                _outbound[_lastId] = held.Qos == 1 ? 4 : 5;
                Send(held.Packet);
            }
        }

        // The packet id is left 0 at idOffset: FillWindow numbers it when the client's window has room.
        private byte[] EncodePublish(Message message, int qos, bool retain, out int idOffset)
        {
            byte[] properties = V5 ? [.. VarInt(message.Properties.Length), .. message.Properties] : [];
            int remaining = 2 + message.Topic.Length + (qos > 0 ? 2 : 0) + properties.Length + message.Payload.Length;
            byte[] header = [(byte)(0x30 | (qos << 1) | (retain ? 1 : 0)), .. VarInt(remaining)];
            idOffset = header.Length + 2 + message.Topic.Length;
            return
            [
                .. header, (byte)(message.Topic.Length >> 8), (byte)message.Topic.Length, .. message.Topic,
                .. qos > 0 ? [(byte)0, (byte)0] : Array.Empty<byte>(), .. properties, .. message.Payload,
            ];
        }

        private async Task RunAsync()
        {
            Task writer = WriteAsync();
            bool peerGone = true;
            try
            {
                peerGone = await ReadAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            finally
            {
                await CloseAsync(writer, peerGone);
            }
        }

        private async Task CloseAsync(Task writer, bool peerGone)
        {
            _broker.Forget(this);
            _out.Writer.TryComplete();
            try
            {
                // Let what is queued (a refusing CONNACK, a DISCONNECT) reach the client before the socket goes.
                await writer.WaitAsync(TimeSpan.FromSeconds(1), _cut.Token);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
            }

            _cut.Cancel();
            await writer;
            if (!peerGone && !_broker._stop.IsCancellationRequested)
            {
                await LingerAsync();
            }

            _socket.Dispose();
            _cut.Dispose();
        }

        // Returns true when the client closed, false when the broker decided to.
        private async Task<bool> ReadAsync()
        {
            byte[] buffer = new byte[64 * 1024];
            int count = 0;
            while (true)
            {
                int read = await _socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, _cut.Token);
                if (read == 0)
                {
                    return true;
                }

                Interlocked.Add(ref _broker._bytesReceived, read);
                count += read;
                int used = Consume(buffer.AsSpan(0, count), out int needed);
                if (used < 0)
                {
                    return false;
                }

                count -= used;
                byte[] next = needed > buffer.Length ? new byte[Math.Max(needed, 2 * buffer.Length)] : buffer;
                buffer.AsSpan(used, count).CopyTo(next);
                buffer = next;
            }
        }

        // Handles every whole packet in data. Returns the bytes used, or -1 to close; needed is the length of a packet
        // that is only partly here.
        private int Consume(ReadOnlySpan<byte> data, out int needed)
        {
            needed = 0;
            int used = 0;
            while (true)
            {
                ReadOnlySpan<byte> rest = data[used..];
                int length = FrameLength(rest, out int headerLength);
                if (length == 0)
                {
                    Violation(0x81, "a remaining length of more than four bytes");
                    return -1;
                }

                if (length < 0)
                {
                    return used;
                }

                // MQTT 5.0 §3.2.2.3.6: judged on the header, so an oversized packet is never buffered.
                if (_connected && _script.EnforceLimits && _script.MaximumPacketSize is uint most && (uint)length > most)
                {
                    Violation(0x95, $"a {length}-byte packet over the Maximum Packet Size of {most}");
                    return -1;
                }

                if (length > rest.Length)
                {
                    needed = length;
                    return used;
                }

                if (!OnPacket(rest[..length], headerLength))
                {
                    return -1;
                }

                used += length;
            }
        }

        private async Task WriteAsync()
        {
            byte[] batch = new byte[64 * 1024];
            bool muted = false;
            try
            {
                while (await _out.Reader.WaitToReadAsync(_cut.Token))
                {
                    int count = 0;
                    while (_out.Reader.TryRead(out Outgoing item))
                    {
                        if (muted)
                        {
                            continue;
                        }

                        if (count + item.Bytes.Length > batch.Length)
                        {
                            await SendAsync(batch.AsMemory(0, count));
                            count = 0;
                        }

                        if (item.Bytes.Length > batch.Length)
                        {
                            await SendAsync(item.Bytes);
                        }
                        else
                        {
                            item.Bytes.CopyTo(batch, count);
                            count += item.Bytes.Length;
                        }

                        if (item.Kind == OutgoingKind.Endless)
                        {
                            await SendAsync(batch.AsMemory(0, count));
                            count = 0;
                            await FloodAsync();
                        }

                        muted = item.Kind != OutgoingKind.Normal;
                    }

                    await SendAsync(batch.AsMemory(0, count));
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }

        // EndlessPayload: bytes as fast as the client reads them, until it gives up, the broker stops, or 2 GiB.
        private async Task FloodAsync()
        {
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < 2L << 30; sent += chunk.Length)
            {
                await SendAsync(chunk);
            }
        }

        private async Task SendAsync(ReadOnlyMemory<byte> data)
        {
            while (!data.IsEmpty)
            {
                int sent = await _socket.SendAsync(data, SocketFlags.None, _cut.Token);
                data = data[sent..];
            }
        }

        // Half-close, then read until the client closes: closing with unread bytes would send RST, and the client
        // could lose the CONNACK or DISCONNECT just written.
        private async Task LingerAsync()
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
                // Long enough for a client busy compiling its first CONNACK handler on a loaded machine; bounded all the same.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                byte[] sink = new byte[16 * 1024];
                while (await _socket.ReceiveAsync(sink, SocketFlags.None, timeout.Token) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
    }
}
