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

    /// <summary>A rate as <c>1200.5 msg/s</c>.</summary>
    public static string MessagesPerSecond(double perSecond) => perSecond.ToString("0.#", CultureInfo.InvariantCulture) + " msg/s";
}
