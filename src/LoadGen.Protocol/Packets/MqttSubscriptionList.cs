using System.Buffers;
using System.Buffers.Binary;

namespace LoadGen.Protocol;

/// <summary>
/// The payload of a SUBSCRIBE as it stands on the wire: repeated (length-prefixed filter, options byte). Decoded
/// packets hold a slice of the input; <see cref="Create"/> serializes a list for sending once, so encoding a SUBSCRIBE
/// is a copy.
/// </summary>
public readonly struct MqttSubscriptionList
{
    /// <summary>Wraps an encoded SUBSCRIBE payload.</summary>
    public MqttSubscriptionList(ReadOnlySequence<byte> encoded) => Encoded = encoded;

    /// <summary>The encoded payload.</summary>
    public ReadOnlySequence<byte> Encoded { get; }

    /// <summary>Number of subscriptions (counts by walking the payload).</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (MqttSubscription _ in this)
            {
                count++;
            }

            return count;
        }
    }

    /// <summary>Serializes subscriptions into a new payload.</summary>
    public static MqttSubscriptionList Create(params ReadOnlySpan<MqttSubscription> subscriptions)
    {
        int length = 0;
        foreach (MqttSubscription s in subscriptions)
        {
            length += 2 + (int)s.TopicFilter.Length + 1;
        }

        byte[] buffer = new byte[length];
        int offset = 0;
        foreach (MqttSubscription s in subscriptions)
        {
            int filterLength = (int)s.TopicFilter.Length;
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), (ushort)filterLength);
            s.TopicFilter.CopyTo(buffer.AsSpan(offset + 2));
            buffer[offset + 2 + filterLength] = s.Options;
            offset += 3 + filterLength;
        }

        return new MqttSubscriptionList(new ReadOnlySequence<byte>(buffer));
    }

    /// <summary>Reads the subscriptions in order.</summary>
    public Enumerator GetEnumerator() => new(Encoded);

    /// <summary>Walks an encoded SUBSCRIBE payload.</summary>
    public ref struct Enumerator
    {
        private MqttReader _reader;

        internal Enumerator(ReadOnlySequence<byte> encoded)
        {
            _reader = new MqttReader(encoded);
            Current = default;
        }

        /// <summary>The subscription just read.</summary>
        public MqttSubscription Current { get; private set; }

        /// <summary>Reads the next subscription; false at the end.</summary>
        public bool MoveNext()
        {
            if (_reader.End)
            {
                return false;
            }

            ReadOnlySequence<byte> filter = _reader.ReadBinary("topic filter");
            Current = new MqttSubscription(filter, _reader.ReadByte("subscription options"));
            return true;
        }
    }
}
