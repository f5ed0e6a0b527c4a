namespace LoadGen.Engine;

/// <summary>
/// A service-level threshold such as <c>p99(qos1) &lt; 20ms</c>, <c>error_rate &lt; 0.1%</c> or
/// <c>throughput &gt;= 1000</c>. A run whose result breaks any threshold exits with code 1.
/// </summary>
/// <param name="Metric">The metric: <c>p50</c>/<c>p90</c>/<c>p99</c>/<c>p99.9</c>/<c>max</c> of a histogram, <c>error_rate</c> or <c>throughput</c>.</param>
/// <param name="Histogram">For percentiles: <c>connect</c>, <c>qos0</c>, <c>qos1</c>, <c>qos2</c>, <c>qos2.pubrec</c>, <c>qos2.pubcomp</c>, <c>e2e</c> or <c>lag</c> (generator lag).</param>
/// <param name="Operator">One of <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>.</param>
/// <param name="Value">The bound, in microseconds for latencies, a fraction for rates, messages per second for throughput.</param>
/// <param name="Text">The threshold as written.</param>
public sealed record SloThreshold(string Metric, string? Histogram, string Operator, double Value, string Text)
{
    /// <summary>True when <paramref name="measured"/> satisfies the threshold.</summary>
    public bool Holds(double measured) => Operator switch
    {
        "<" => measured < Value,
        "<=" => measured <= Value,
        ">" => measured > Value,
        _ => measured >= Value,
    };
}
