using System.Globalization;

namespace LoadGen.Engine;

/// <summary>
/// The one duration grammar of profiles, <c>--set</c> and every command-line option: a number (invariant culture,
/// fractions allowed, not negative) followed by <c>us</c>, <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c>, such as
/// <c>500us</c>, <c>20ms</c>, <c>1.5s</c>, <c>2m</c>. Where zero makes no sense the caller says so.
/// </summary>
public static class Durations
{
    /// <summary>What the grammar allows, for error messages.</summary>
    public const string Allowed = "a duration such as 500us, 20ms, 30s, 2m or 1h";

    private static readonly (string Unit, double Seconds)[] Units = [("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)];

    /// <summary>Reads <paramref name="text"/>; false when it is not a duration in the grammar.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // Longest unit first where one ends another: "ms" and "us" before "s".
        foreach ((string unit, double seconds) in Units)
        {
            if (!text.EndsWith(unit, StringComparison.Ordinal) || (unit == "s" && (text.EndsWith("ms", StringComparison.Ordinal) || text.EndsWith("us", StringComparison.Ordinal))))
            {
                continue;
            }

            if (double.TryParse(text[..^unit.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount) &&
                double.IsFinite(amount) && amount * seconds < TimeSpan.MaxValue.TotalSeconds / 2)
            {
                value = TimeSpan.FromSeconds(amount * seconds);
                return true;
            }

            return false;
        }

        return false;
    }

    /// <summary>A duration for people: <c>10 s</c>, <c>250 ms</c>, <c>80 µs</c>, <c>2.5 min</c>.</summary>
    public static string Format(TimeSpan value) => value.TotalSeconds switch
    {
        >= 120 => $"{(value.TotalMinutes).ToString("0.##", CultureInfo.InvariantCulture)} min",
        >= 1 => $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s",
        >= 1e-3 => $"{value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms",
        _ => $"{value.TotalMicroseconds.ToString("0.#", CultureInfo.InvariantCulture)} µs",
    };
}
