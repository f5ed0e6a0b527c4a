namespace LoadGen.Engine;

/// <summary>One latency metric as every output names and places it.</summary>
/// <param name="Metric">The histogram it is recorded in.</param>
/// <param name="Name">Its name in profiles (SLOs), <c>result.json</c>, the logs, the time series and Prometheus.</param>
/// <param name="Label">Its name on charts and in reports.</param>
/// <param name="Qos">The QoS level whose handshake it times, or null for the others (connect, end to end, lag).</param>
/// <param name="IsHandshake">True for the metric that times a QoS level's whole handshake (<c>qos0</c>, <c>qos1</c>, <c>qos2</c>); false for a leg of it.</param>
/// <param name="WholeRun">True when it is judged over the whole run (it happens before the stages start), false over the measured phase.</param>
public sealed record LatencyMetricInfo(LatencyMetric Metric, string Name, string Label, int? Qos, bool IsHandshake, bool WholeRun)
{
    /// <summary>True for what the percentile-distribution charts draw: the QoS handshakes, their legs, and end to end.</summary>
    public bool IsDelivery => Qos is not null || Metric == LatencyMetric.EndToEnd;
}

/// <summary>
/// The one table of latency metrics, in the order every report lists them: the SLO grammar, the summary, the HTML
/// report, the charts, the QoS comparison, the live progress and Prometheus all read it. A new metric is a value of
/// <see cref="LatencyMetric"/> and a row here.
/// </summary>
public static class LatencyMetrics
{
    /// <summary>Every metric, in report order.</summary>
    public static IReadOnlyList<LatencyMetricInfo> All { get; } =
    [
        new(LatencyMetric.Connect, "connect", "connect (TCP + CONNECT→CONNACK)", null, false, true),
        new(LatencyMetric.SubAck, "suback", "SUBSCRIBE→SUBACK", null, false, true),
        new(LatencyMetric.QoS0Write, "qos0", "QoS 0 write", 0, true, false),
        new(LatencyMetric.QoS1PubAck, "qos1", "QoS 1 PUBLISH→PUBACK", 1, true, false),
        new(LatencyMetric.QoS2PubRec, "qos2.pubrec", "QoS 2 PUBLISH→PUBREC", 2, false, false),
        new(LatencyMetric.QoS2PubComp, "qos2.pubcomp", "QoS 2 PUBREL→PUBCOMP", 2, false, false),
        new(LatencyMetric.QoS2Flow, "qos2", "QoS 2 whole flow", 2, true, false),
        new(LatencyMetric.EndToEnd, "e2e", "end to end", null, false, false),
        new(LatencyMetric.GeneratorLag, "lag", "generator lag", null, false, false),
        new(LatencyMetric.TlsHandshake, "tls", "TLS handshake", null, false, true),
        new(LatencyMetric.Will, "will", "will (abort → will delivered)", null, false, true),
        new(LatencyMetric.Drain, "drain", "offline queue drain (back → last queued message)", null, false, true),
        new(LatencyMetric.Rpc, "rpc", "request/response round trip", null, false, false),
    ];

    private static readonly LatencyMetricInfo[] ByMetric = All.OrderBy(m => (int)m.Metric).ToArray();

    /// <summary>The row of <paramref name="metric"/>.</summary>
    public static LatencyMetricInfo Of(LatencyMetric metric) => ByMetric[(int)metric];

    /// <summary>The row named <paramref name="name"/> (<c>qos2.pubrec</c>), or null.</summary>
    public static LatencyMetricInfo? Named(string name) => All.FirstOrDefault(m => m.Name == name);

    /// <summary>Every metric's name, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(m => m.Name).ToArray();

    /// <summary>The metric that times QoS <paramref name="qos"/>'s whole handshake.</summary>
    public static LatencyMetricInfo Handshake(int qos) => All.Single(m => m.Qos == qos && m.IsHandshake);

    /// <summary>The metrics a QoS level is shown with: its legs, its whole handshake, then end to end.</summary>
    public static IReadOnlyList<LatencyMetricInfo> ShownWith(int qos) =>
        All.Where(m => m.Qos == qos && !m.IsHandshake).Append(Handshake(qos)).Append(Of(LatencyMetric.EndToEnd)).ToArray();

    /// <summary>The position of <paramref name="name"/> in report order (for colours and sorting); unknown names last.</summary>
    public static int OrderOf(string name) => Named(name) is { } m ? All.ToList().IndexOf(m) : All.Count;
}
