using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadGen.Engine;

/// <summary>
/// Writes a double that is not finite (NaN, infinity: a ratio over nothing) as JSON null, and reads null back as NaN.
/// System.Text.Json throws on such values, and a result that cannot be written is a run lost; no figure is worth that.
/// </summary>
public sealed class FiniteDoubleConverter : JsonConverter<double>
{
    /// <inheritdoc/>
    public override bool HandleNull => true;

    /// <inheritdoc/>
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
