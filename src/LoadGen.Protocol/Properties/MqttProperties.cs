using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>
/// A block of MQTT 5.0 properties (§2.2.2) as it stands on the wire, without its length prefix. Decoders hand out a
/// slice of the packet; <see cref="MqttPropertyBuilder"/> makes one for sending. Enumerating reads the bytes in place.
/// </summary>
public readonly struct MqttProperties
{
    /// <summary>Wraps already-encoded property bytes.</summary>
    public MqttProperties(ReadOnlySequence<byte> encoded) => Encoded = encoded;

    /// <summary>No properties.</summary>
    public static MqttProperties Empty => default;

    /// <summary>The encoded properties, without the length prefix.</summary>
    public ReadOnlySequence<byte> Encoded { get; }

    /// <summary>The encoded length in bytes (the value of the Property Length field).</summary>
    public int Length => (int)Encoded.Length;

    /// <summary>True when there are no properties.</summary>
    public bool IsEmpty => Encoded.IsEmpty;

    /// <summary>Reads the properties one by one, in wire order.</summary>
    public Enumerator GetEnumerator() => new(Encoded);

    /// <summary>Finds the first integer property with this identifier.</summary>
    public bool TryGetValue(MqttPropertyId id, out uint value)
    {
        foreach (MqttProperty property in this)
        {
            if (property.Id == id)
            {
                value = property.Value;
                return true;
            }
        }

        value = 0;
        return false;
    }

    /// <summary>Finds the first string or binary property with this identifier.</summary>
    public bool TryGetData(MqttPropertyId id, out ReadOnlySequence<byte> data)
    {
        foreach (MqttProperty property in this)
        {
            if (property.Id == id)
            {
                data = property.Data;
                return true;
            }
        }

        data = default;
        return false;
    }

    /// <summary>Reads properties from a block. Throws <see cref="MqttProtocolException"/> on an unknown identifier.</summary>
    public ref struct Enumerator
    {
        private MqttReader _reader;

        internal Enumerator(ReadOnlySequence<byte> encoded)
        {
            _reader = new MqttReader(encoded);
            Current = default;
        }

        /// <summary>The property just read.</summary>
        public MqttProperty Current { get; private set; }

        /// <summary>Reads the next property; false at the end of the block.</summary>
        public bool MoveNext()
        {
            if (_reader.End)
            {
                return false;
            }

            // §2.2.2.2: the identifier is a variable byte integer, although every defined one fits a single byte.
            int rawId = _reader.ReadVariableByteInteger("property identifier");
            var id = (MqttPropertyId)rawId;
            MqttPropertyType type = rawId > byte.MaxValue ? MqttPropertyType.Unknown : MqttPropertyRules.TypeOf(id);
            switch (type)
            {
                case MqttPropertyType.Byte:
                    Current = new MqttProperty(id, _reader.ReadByte("property value"), default, default);
                    break;
                case MqttPropertyType.TwoByteInteger:
                    Current = new MqttProperty(id, _reader.ReadUInt16("property value"), default, default);
                    break;
                case MqttPropertyType.FourByteInteger:
                    Current = new MqttProperty(id, _reader.ReadUInt32("property value"), default, default);
                    break;
                case MqttPropertyType.VariableByteInteger:
                    Current = new MqttProperty(id, (uint)_reader.ReadVariableByteInteger("property value"), default, default);
                    break;
                case MqttPropertyType.Utf8String:
                case MqttPropertyType.BinaryData:
                    Current = new MqttProperty(id, 0, _reader.ReadBinary("property value"), default);
                    break;
                case MqttPropertyType.Utf8StringPair:
                    ReadOnlySequence<byte> name = _reader.ReadBinary("user property name");
                    Current = new MqttProperty(id, 0, name, _reader.ReadBinary("user property value"));
                    break;
                default:
                    MqttProtocolException.Malformed(MqttViolation.PropertyNotAllowed,
                        $"Unknown property identifier 0x{rawId:X2}.");
                    break;
            }

            return true;
        }
    }
}
