namespace LoadGen.Engine;

/// <summary>
/// One subscriber's view of every publisher's sequence numbers, kept apart per QoS (each publisher numbers its QoS 0,
/// 1 and 2 messages separately, and the stamp carries the QoS): gaps are possible losses until filled, a fill is an
/// out-of-order delivery, and a number seen twice is a duplicate. Used by one thread at a time (the subscriber's),
/// or, for the members of a shared subscription, who are one consumer between them, under a lock.
/// </summary>
internal sealed class DeliveryAudit(bool shared = false)
{
    private readonly Lock? _gate = shared ? new Lock() : null;

    /// <summary>True when several sessions, the members of one shared subscription, feed this audit.</summary>
    public bool Shared => _gate is not null;

    private readonly Dictionary<int, (int Next, HashSet<int> Missing)> _streams = new();
    // Streams heard from since the subscriber last came back without its session; a stream not in it resumes at
    // whatever arrives next, and the gap before that is counted as missed while away, not lost.
    private HashSet<int>? _sinceBack;
    private readonly long[] _missedAway = new long[3];
    private readonly long[] _duplicates = new long[3];
    private readonly long[] _outOfOrder = new long[3];
    private readonly long[] _received = new long[3];

    /// <summary>Sequence numbers never delivered so far, inside what was seen (losses at the tail come from <see cref="Lost"/>).</summary>
    public long Missing => _streams.Values.Sum(p => (long)p.Missing.Count);

    /// <summary>The key of a publisher's stream at one QoS, as the payload stamp carries it.</summary>
    public static int Stream(int publisher, int qos) => publisher | (qos << 30);

    /// <summary>Records a delivery of <paramref name="stream"/> (see <see cref="Stream"/>); returns duplicate and out-of-order flags.</summary>
    public (bool Duplicate, bool OutOfOrder) Observe(int stream, int sequence)
    {
        if (_gate is null)
        {
            return ObserveOne(stream, sequence);
        }

        lock (_gate)
        {
            return ObserveOne(stream, sequence);
        }
    }

    private (bool Duplicate, bool OutOfOrder) ObserveOne(int stream, int sequence)
    {
        int qos = (int)((uint)stream >> 30);
        _received[qos]++;
        if (!_streams.TryGetValue(stream, out (int Next, HashSet<int> Missing) state))
        {
            state = (0, new HashSet<int>());
        }

        (bool, bool) result = (false, false);
        if (_sinceBack is not null && _sinceBack.Add(stream) && sequence > state.Next)
        {
            // The first message of this stream since the subscriber came back with a new session: what was published
            // while it was away (and its unfilled gaps from before) was never the broker's to deliver.
            _missedAway[qos] += sequence - state.Next + state.Missing.Count;
            state.Missing.Clear();
            state.Next = sequence;
        }

        if (sequence == state.Next)
        {
            state.Next++;
        }
        else if (sequence > state.Next)
        {
            for (int s = state.Next; s < sequence; s++)
            {
                state.Missing.Add(s);
            }

            state.Next = sequence + 1;
        }
        else
        {
            result = state.Missing.Remove(sequence) ? (false, true) : (true, false);
        }

        _streams[stream] = state;
        if (result.Item1)
        {
            _duplicates[qos]++;
        }

        if (result.Item2)
        {
            _outOfOrder[qos]++;
        }

        return result;
    }

    /// <summary>
    /// Messages lost at <paramref name="qos"/>: the gaps never filled, plus, for every publisher this subscriber heard
    /// from at that QoS, the messages it sent after the last one that arrived (<paramref name="sent"/> gives a
    /// publisher's count at a QoS, or -1 for a publisher this process did not run).
    /// </summary>
    /// <param name="qos">The QoS whose streams are counted.</param>
    /// <param name="sent">A publisher's count at a QoS, or -1 for a publisher this process did not run.</param>
    /// <param name="excused">Per stream, the sequence numbers the broker never acknowledged; they are not lost.</param>
    public long Lost(int qos, Func<int, int, int> sent, IReadOnlyDictionary<int, HashSet<int>>? excused = null)
    {
        long lost = 0;
        foreach ((int stream, (int next, HashSet<int> missing)) in _streams)
        {
            if ((int)((uint)stream >> 30) != qos)
            {
                continue;
            }

            // A publisher in another shard is unknown here (-1): only the gaps in what arrived count against it.
            int publisherSent = sent(stream & 0x3FFFFFFF, qos);
            long tail = publisherSent < 0 ? 0 : Math.Max(0, publisherSent - next);
            lost += missing.Count + tail;
            if (excused is not null && excused.TryGetValue(stream, out HashSet<int>? never))
            {
                lost -= never.Count(s => missing.Contains(s) || (s >= next && s < publisherSent));
            }
        }

        return lost;
    }

    /// <summary>
    /// The subscriber came back and the broker had kept no session for it (session present 0): its subscriptions and
    /// queued messages were gone, legitimately. From now on each stream is audited from the first message that arrives.
    /// </summary>
    public void CameBackWithoutSession()
    {
        if (_gate is null)
        {
            _sinceBack = new HashSet<int>();
            return;
        }

        lock (_gate)
        {
            _sinceBack = new HashSet<int>();
        }
    }

    /// <summary>Messages published at <paramref name="qos"/> while the subscriber was away without a session.</summary>
    public long MissedAway(int qos) => _missedAway[qos];

    /// <summary>Deliveries at <paramref name="qos"/>.</summary>
    public long Received(int qos) => _received[qos];

    /// <summary>Duplicates at <paramref name="qos"/>.</summary>
    public long Duplicates(int qos) => _duplicates[qos];

    /// <summary>Out-of-order deliveries at <paramref name="qos"/>.</summary>
    public long OutOfOrder(int qos) => _outOfOrder[qos];
}
