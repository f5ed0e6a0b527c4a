using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LoadGen.Protocol;

/// <summary>
/// The payload of an UNSUBSCRIBE as it stands on the wire: repeated length-prefixed topic filters (§3.10.3).
/// </summary>
public readonly struct MqttTopicFilterList
{
    /// <summary>Wraps an encoded UNSUBSCRIBE payload.</summary>
    public MqttTopicFilterList(ReadOnlySequence<byte> encoded) => Encoded = encoded;

    /// <summary>The encoded payload.</summary>
    public ReadOnlySequence<byte> Encoded { get; }

    /// <summary>Number of filters (counts by walking the payload).</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (ReadOnlySequence<byte> _ in this)
            {
                count++;
            }

            return count;
        }
    }

    /// <summary>Serializes topic filters into a new payload.</summary>
    public static MqttTopicFilterList Create(params ReadOnlySpan<string> filters)
    {
        int length = 0;
        foreach (string f in filters)
        {
            length += 2 + Encoding.UTF8.GetByteCount(f);
        }

        byte[] buffer = new byte[length];
        int offset = 0;
        foreach (string f in filters)
        {
            int written = Encoding.UTF8.GetBytes(f, buffer.AsSpan(offset + 2));
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), (ushort)written);
            offset += 2 + written;
        }

        return new MqttTopicFilterList(new ReadOnlySequence<byte>(buffer));
    }

    /// <summary>Reads the filters in order.</summary>
    public Enumerator GetEnumerator() => new(Encoded);

    /// <summary>Walks an encoded UNSUBSCRIBE payload.</summary>
    public ref struct Enumerator
    {
        private MqttReader _reader;

        internal Enumerator(ReadOnlySequence<byte> encoded)
        {
            _reader = new MqttReader(encoded);
            Current = default;
        }

        /// <summary>The filter just read, UTF-8.</summary>
        public ReadOnlySequence<byte> Current { get; private set; }

        /// <summary>Reads the next filter; false at the end.</summary>
        public bool MoveNext()
        {
            if (_reader.End)
            {
                return false;
            }

            Current = _reader.ReadBinary("topic filter");
            return true;
        }
    }
}
