using System.Runtime.CompilerServices;

namespace LoadGen.Client;

/// <summary>
/// The outgoing messages a session has in flight, and the packet identifiers they use (MQTT 5.0 §2.2.1, §4.9).
/// Identifiers run 1 to 61439 (0xEFFF) and wrap; the session keeps 0xF000 to 0xFFFF for SUBSCRIBE and UNSUBSCRIBE so the
/// two never collide. Identifier <c>id</c> lives in slot <c>id % capacity</c>, so lookup is one
/// index and a compare; when the next identifier's slot is still taken the allocator skips ahead, which is what
/// guarantees an identifier is never reissued while it is in flight. The window's size is the configured in-flight
/// limit, further capped by the server's Receive Maximum.
/// </summary>
internal sealed class InflightWindow
{
    /// <summary>The highest identifier a PUBLISH gets.</summary>
    public const int MaxPublishId = 0xEFFF;

    private readonly int _capacity;

    // Allocated at the first publish: a session that only subscribes, or waits, holds no slots.
    private OutboundMessage[] _slots = [];
    private ushort _lastId;
    private long _sequence;

    public InflightWindow(int capacity)
    {
        if (capacity is < 1 or > MaxPublishId)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The in-flight window holds 1 to 61,439 messages.");
        }

        _capacity = capacity;
        Limit = capacity;
    }

    public int Capacity => _capacity;

    /// <summary>The effective limit: the capacity, or less when the server's Receive Maximum is lower.</summary>
    public int Limit { get; set; }

    public int Count { get; private set; }

    public bool IsFull => Count >= Limit;

    /// <summary>Takes a free identifier and its slot. False when the window is full.</summary>
    public bool TryAdd(out ushort packetId, out int slot)
    {
        if (IsFull)
        {
            packetId = 0;
            slot = -1;
            return false;
        }

        if (_slots.Length == 0)
        {
            _slots = new OutboundMessage[_capacity];
        }

        // At most Capacity probes: the window is not full, so some slot is free.
        int id = _lastId;
        while (true)
        {
            id = id >= MaxPublishId ? 1 : id + 1;
            slot = id % _slots.Length;
            if (_slots[slot].State == OutboundState.Free)
            {
                break;
            }
        }

        _lastId = (ushort)id;
        packetId = (ushort)id;
        _slots[slot] = default;
        _slots[slot].PacketId = packetId;
        _slots[slot].Sequence = ++_sequence;
        Count++;
        return true;
    }

    /// <summary>The slot holding <paramref name="packetId"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ushort packetId)
    {
        OutboundMessage[] slots = _slots;
        if (slots.Length == 0)
        {
            return -1;
        }

        int slot = packetId % slots.Length;
        return slots[slot].State != OutboundState.Free && _slots[slot].PacketId == packetId ? slot : -1;
    }

    public ref OutboundMessage this[int slot] => ref _slots[slot];

    public void Remove(int slot)
    {
        _slots[slot] = default;
        Count--;
    }

    /// <summary>Slots in use, oldest first: the order in which §4.6 wants resends to go out.</summary>
    public int CopyInFlightOrder(Span<int> slots)
    {
        int n = 0;
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].State != OutboundState.Free)
            {
                slots[n++] = i;
            }
        }

        OutboundMessage[] all = _slots;
        slots[..n].Sort((a, b) => all[a].Sequence.CompareTo(all[b].Sequence));
        return n;
    }

    public void Clear()
    {
        Array.Clear(_slots);
        Count = 0;
    }
}
