using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LoadGen.Protocol;

/// <summary>
/// Builds a property block for sending. Reusable: <see cref="Clear"/> keeps the buffer, so a session that sends the
/// same kind of packet again allocates nothing. Values are checked against their type's range as they are added.
/// </summary>
public sealed class MqttPropertyBuilder
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64);

    /// <summary>Bytes written so far.</summary>
    public int Length => _buffer.WrittenCount;

    /// <summary>Adds an integer property (Byte, Two Byte, Four Byte or Variable Byte Integer).</summary>
    /// <exception cref="ArgumentException">The identifier is not an integer property or the value does not fit.</exception>
    public MqttPropertyBuilder Add(MqttPropertyId id, uint value)
    {
        MqttPropertyType type = MqttPropertyRules.TypeOf(id);
        Span<byte> span = _buffer.GetSpan(1 + 4);
        span[0] = (byte)id;
        int written;
        switch (type)
        {
            case MqttPropertyType.Byte:
                EnsureRange(id, value, byte.MaxValue);
                span[1] = (byte)value;
                written = 2;
                break;
            case MqttPropertyType.TwoByteInteger:
                EnsureRange(id, value, ushort.MaxValue);
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
                written = 3;
                break;
            case MqttPropertyType.FourByteInteger:
                BinaryPrimitives.WriteUInt32BigEndian(span[1..], value);
                written = 5;
                break;
            case MqttPropertyType.VariableByteInteger:
                EnsureRange(id, value, VariableByteInteger.MaxValue);
                written = 1 + VariableByteInteger.Write(span[1..], (int)value);
                break;
            default:
                throw new ArgumentException($"Property {id} is a {type}, not an integer.", nameof(id));
        }

        _buffer.Advance(written);
        return this;
    }

    /// <summary>Adds a UTF-8 string or binary property.</summary>
    public MqttPropertyBuilder Add(MqttPropertyId id, ReadOnlySpan<byte> data)
    {
        MqttPropertyType type = MqttPropertyRules.TypeOf(id);
        if (type is not (MqttPropertyType.Utf8String or MqttPropertyType.BinaryData))
        {
            throw new ArgumentException($"Property {id} is a {type}, not a string or binary value.", nameof(id));
        }

        _buffer.GetSpan(1)[0] = (byte)id;
        _buffer.Advance(1);
        WriteBinary(data);
        return this;
    }

    /// <summary>Adds a UTF-8 string property.</summary>
    public MqttPropertyBuilder Add(MqttPropertyId id, string text) => Add(id, Encoding.UTF8.GetBytes(text));

    /// <summary>Adds a user property (§3.1.2.11.8); may be repeated.</summary>
    public MqttPropertyBuilder AddUserProperty(string name, string value)
    {
        _buffer.GetSpan(1)[0] = (byte)MqttPropertyId.UserProperty;
        _buffer.Advance(1);
        WriteBinary(Encoding.UTF8.GetBytes(name));
        WriteBinary(Encoding.UTF8.GetBytes(value));
        return this;
    }

    /// <summary>A view of the properties added so far, valid until the next change to this builder.</summary>
    public MqttProperties Build() => new(new ReadOnlySequence<byte>(_buffer.WrittenMemory));

    /// <summary>A copy of the properties added so far that outlives this builder.</summary>
    public MqttProperties ToProperties() => new(new ReadOnlySequence<byte>(_buffer.WrittenSpan.ToArray()));

    /// <summary>Removes every property and keeps the buffer for reuse.</summary>
    public void Clear() => _buffer.ResetWrittenCount();

    private void WriteBinary(ReadOnlySpan<byte> data)
    {
        if (data.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"A string or binary value is at most 65,535 bytes; this one is {data.Length}.");
        }

        Span<byte> span = _buffer.GetSpan(2 + data.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)data.Length);
        data.CopyTo(span[2..]);
        _buffer.Advance(2 + data.Length);
    }

    private static void EnsureRange(MqttPropertyId id, uint value, uint max)
    {
        if (value > max)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Property {id} takes values up to {max}.");
        }
    }
}
