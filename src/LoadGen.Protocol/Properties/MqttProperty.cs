using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>
/// One property read from a block: its identifier and value. Integer types fill <see cref="Value"/>; strings and
/// binary data fill <see cref="Data"/>; a user property has its name in <see cref="Data"/> and its value in
/// <see cref="PairValue"/>. Text is UTF-8 bytes sliced from the packet.
/// </summary>
public readonly struct MqttProperty
{
    /// <summary>Creates a property view.</summary>
    public MqttProperty(MqttPropertyId id, uint value, ReadOnlySequence<byte> data, ReadOnlySequence<byte> pairValue)
    {
        Id = id;
        Value = value;
        Data = data;
        PairValue = pairValue;
    }

    /// <summary>The property identifier.</summary>
    public MqttPropertyId Id { get; }

    /// <summary>The data type of the value.</summary>
    public MqttPropertyType Type => MqttPropertyRules.TypeOf(Id);

    /// <summary>The value of an integer property.</summary>
    public uint Value { get; }

    /// <summary>The bytes of a string or binary property, or the name of a user property.</summary>
    public ReadOnlySequence<byte> Data { get; }

    /// <summary>The value of a user property.</summary>
    public ReadOnlySequence<byte> PairValue { get; }
}
