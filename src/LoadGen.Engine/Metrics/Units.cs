using System.Globalization;

namespace LoadGen.Engine;

/// <summary>
/// How figures are written for people, in one place: latencies (kept in microseconds) as milliseconds, fractions as
/// percentages, rates as msg/s. SLO tables, verdict lines and compare gates all read these.
/// </summary>
public static class Units
{
    /// <summary>A latency in microseconds as <c>3.281 ms</c>.</summary>
    public static string Milliseconds(double microseconds) => (microseconds / 1000).ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    /// <summary>A fraction as <c>0.5 %</c>.</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0.###", CultureInfo.InvariantCulture) + " %";

    /// <summary>Reads a percentage as written in profiles and options (<c>0.1%</c>, <c>5%</c>) as a fraction; false for anything else.</summary>
    public static bool TryParsePercent(string text, out double fraction)
    {
        fraction = 0;
        text = text.Trim();
        if (!text.EndsWith('%') || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) || !double.IsFinite(percent))
        {
            return false;
        }

        fraction = percent / 100;
        return true;
    }

    /// <summary>A rate as <c>1200.5 msg/s</c>.</summary>
    public static string MessagesPerSecond(double perSecond) => perSecond.ToString("0.#", CultureInfo.InvariantCulture) + " msg/s";
}
