namespace LoadGen.Engine;

/// <summary>
/// One subscriber's view of every publisher's sequence numbers: gaps are possible losses until filled, a fill is an
/// out-of-order delivery, and a number seen twice is a duplicate. Used by one thread at a time (the subscriber's).
/// </summary>
internal sealed class DeliveryAudit
{
    private readonly Dictionary<int, (int Next, HashSet<int> Missing)> _publishers = new();

    /// <summary>Sequence numbers never delivered (so far).</summary>
    public long Missing => _publishers.Values.Sum(p => (long)p.Missing.Count);

    /// <summary>Records a delivery; returns duplicate and out-of-order flags.</summary>
    public (bool Duplicate, bool OutOfOrder) Observe(int publisher, int sequence)
    {
        if (!_publishers.TryGetValue(publisher, out (int Next, HashSet<int> Missing) state))
        {
            state = (0, new HashSet<int>());
        }

        (bool, bool) result = (false, false);
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

        _publishers[publisher] = state;
        return result;
    }
}
