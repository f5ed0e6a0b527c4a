namespace LoadGen.Engine;

/// <summary>
/// A service-level threshold such as <c>p99(qos1) &lt; 20ms</c>, <c>error_rate &lt; 0.1%</c> or
/// <c>throughput &gt;= 1000</c>. A run whose result breaks any threshold exits with code 1.
/// </summary>
/// <param name="Metric">The metric: <c>p50</c>/<c>p90</c>/<c>p99</c>/<c>p99.9</c>/<c>max</c> of a histogram, one of <see cref="RateMetrics"/>, or <c>throughput</c>.</param>
/// <param name="Histogram">For percentiles: <c>connect</c>, <c>qos0</c>, <c>qos1</c>, <c>qos2</c>, <c>qos2.pubrec</c>, <c>qos2.pubcomp</c>, <c>e2e</c> or <c>lag</c> (generator lag).</param>
/// <param name="Operator">One of <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>.</param>
/// <param name="Value">The bound, in microseconds for latencies, a fraction for rates, messages per second for throughput.</param>
/// <param name="Text">The threshold as written.</param>
public sealed record SloThreshold(string Metric, string? Histogram, string Operator, double Value, string Text)
{
    /// <summary>
    /// The metrics given as a percentage (<c>error_rate &lt; 0.1%</c>): errors per message sent, sessions that did not
    /// connect per session planned, QoS 1/2 messages not acknowledged per QoS 1/2 message sent. An SLO on one of them
    /// also relaxes the default rule on the same figure, which is otherwise 0.
    /// </summary>
    public static IReadOnlyList<string> RateMetrics { get; } = ["error_rate", "connect_failure_rate", "unacknowledged_rate"];

    /// <summary>A measured value of this threshold's metric with its unit: <c>3.28 ms</c>, <c>0.5 %</c>, <c>1200 msg/s</c>, or <c>no data</c>.</summary>
    public string Format(double? measured)
    {
        if (measured is not { } m || !double.IsFinite(m))
        {
            return "no data";
        }

        return Metric switch
        {
            "throughput" => Units.MessagesPerSecond(m),
            _ when Histogram is null => Units.Percent(m),
            _ => Units.Milliseconds(m),
        };
    }

    /// <summary>True when <paramref name="measured"/> satisfies the threshold.</summary>
    public bool Holds(double measured) => Operator switch
    {
        "<" => measured < Value,
        "<=" => measured <= Value,
        ">" => measured > Value,
        _ => measured >= Value,
    };
}
