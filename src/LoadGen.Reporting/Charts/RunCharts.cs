using LoadGen.Engine;
using ScottPlot;

namespace LoadGen.Reporting;

/// <summary>
/// The charts of one run, drawn from its <see cref="RunResult"/>: latency distributions (response and service time
/// apart, percentile on a log axis as HdrHistogram plots it), the run over time, and the QoS cost comparison.
/// </summary>
public static class RunCharts
{
    /// <summary>The metrics on the distribution charts, in legend order.</summary>
    public static readonly IReadOnlyList<(string Metric, string Label)> DistributionMetrics =
        LatencyMetrics.All.Where(m => m.IsDelivery).Select(m => (m.Name, m.Label)).ToArray();

    private static readonly (double Position, string Label)[] PercentileTicks =
        [(0, "0%"), (1, "90%"), (2, "99%"), (3, "99.9%"), (4, "99.99%"), (5, "99.999%")];

    /// <summary>Every chart of a run.</summary>
    public static IReadOnlyList<Chart> All(RunResult result)
    {
        var charts = new List<Chart>
        {
            Distribution(result, response: true),
            Distribution(result, response: false),
            Throughput(result),
            LatencyOverTime(result),
            FaultsOverTime(result),
            QosCostChart(QosCosts(result), $"{result.Profile}: cost per QoS level"),
        };
        charts.InsertRange(0, CapacityCharts.All(result));
        return charts;
    }

    /// <summary>The latency percentile distribution of every handshake metric, response or service time.</summary>
    public static Chart Distribution(RunResult result, bool response)
    {
        var plot = ChartFonts.NewPlot();
        foreach ((string metric, string label) in DistributionMetrics)
        {
            if (result.Percentiles.TryGetValue(metric, out LatencyDistribution? d))
            {
                AddDistribution(plot, response ? d.Response : d.Service, label, Palette(metric), LinePattern.Solid);
            }
        }

        string kind = response ? "response time (from the intended send)" : "service time (from the actual send)";
        FormatDistribution(plot, $"{result.Profile}: latency by percentile, {kind}");
        return new Chart(response ? "latency-response" : "latency-service", $"Latency by percentile, {kind}", plot);
    }

    /// <summary>Two runs' distributions of one kind overlaid: baseline dashed, candidate solid.</summary>
    public static Chart CompareDistributions(RunResult baseline, RunResult candidate, string baselineName, string candidateName)
    {
        var plot = ChartFonts.NewPlot();
        foreach ((string metric, string label) in DistributionMetrics)
        {
            if (baseline.Percentiles.TryGetValue(metric, out LatencyDistribution? b))
            {
                AddDistribution(plot, b.Response, $"{label} ({baselineName})", Palette(metric), LinePattern.Dashed);
            }

            if (candidate.Percentiles.TryGetValue(metric, out LatencyDistribution? c))
            {
                AddDistribution(plot, c.Response, $"{label} ({candidateName})", Palette(metric), LinePattern.Solid);
            }
        }

        FormatDistribution(plot, $"response time by percentile: {baselineName} (dashed) vs {candidateName} (solid)");
        return new Chart("compare-latency", "Response time by percentile, baseline dashed, candidate solid", plot);
    }

    /// <summary>Messages per second sent, acknowledged and received, with connected sessions on the right axis.</summary>
    public static Chart Throughput(RunResult result)
    {
        var plot = ChartFonts.NewPlot();
        double[] t = result.Timeline.Select(p => p.Time).ToArray();
        AddLine(plot, t, result.Timeline.Select(p => Rate(p.Sent, p)).ToArray(), "sent/s", Color.FromHex("#1f77b4"));
        AddLine(plot, t, result.Timeline.Select(p => Rate(p.Acknowledged, p)).ToArray(), "acknowledged/s", Color.FromHex("#2ca02c"));
        AddLine(plot, t, result.Timeline.Select(p => Rate(p.Received, p)).ToArray(), "received/s", Color.FromHex("#ff7f0e"));
        AddRightAxisLine(plot, t, result.Timeline.Select(p => (double)p.SessionsConnected).ToArray(), "sessions connected (right axis)", "sessions connected");
        MarkMeasurement(plot, result);
        Format(plot, $"{result.Profile}: messages per second", "time (s)", "messages per second");
        FromZero(plot, result.Timeline.Select(p => Math.Max(Rate(p.Sent, p), Math.Max(Rate(p.Acknowledged, p), Rate(p.Received, p)))));
        plot.Axes.SetLimitsY(0, Math.Max(1, result.Timeline.Select(p => (double)p.SessionsConnected).DefaultIfEmpty(0).Max() * 1.1), plot.Axes.Right);
        return new Chart("throughput", "Messages per second and connected sessions over time", plot);
    }

    /// <summary>p50 (dashed) and p99 (solid) response time per QoS, end to end and request/response, per interval.</summary>
    public static Chart LatencyOverTime(RunResult result)
    {
        var plot = ChartFonts.NewPlot();
        foreach ((string metric, string label) in Handshakes.Append((LatencyMetrics.Of(LatencyMetric.EndToEnd).Name, "end to end"))
            .Append((LatencyMetrics.Of(LatencyMetric.Rpc).Name, "request/response")))
        {
            TimelinePoint[] points = result.Timeline.Where(p => p.Latency.ContainsKey(metric)).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            double[] t = points.Select(p => p.Time).ToArray();
            AddLine(plot, t, points.Select(p => p.Latency[metric].ResponseP99 / 1000).ToArray(), $"{label} p99", Palette(metric));
            var p50 = AddLine(plot, t, points.Select(p => p.Latency[metric].ResponseP50 / 1000).ToArray(), $"{label} p50", Palette(metric));
            p50.LinePattern = LinePattern.Dashed;
        }

        MarkMeasurement(plot, result);
        Format(plot, $"{result.Profile}: response time per interval", "time (s)", "latency (ms)");
        FromZero(plot, result.Timeline.SelectMany(p => p.Latency.Values.Select(l => l.ResponseP99 / 1000)));
        return new Chart("latency-over-time", "Response time p50 (dashed) and p99 (solid) per interval", plot);
    }

    /// <summary>Resends, reconnects and errors per interval, and the generator's GC pauses.</summary>
    public static Chart FaultsOverTime(RunResult result)
    {
        var plot = ChartFonts.NewPlot();
        double[] t = result.Timeline.Select(p => p.Time).ToArray();
        AddLine(plot, t, result.Timeline.Select(p => (double)p.Resends).ToArray(), "resends", Color.FromHex("#9467bd"));
        AddLine(plot, t, result.Timeline.Select(p => (double)p.Reconnects).ToArray(), "reconnects", Color.FromHex("#8c564b"));
        AddLine(plot, t, result.Timeline.Select(p => (double)p.Errors).ToArray(), "errors", Color.FromHex("#d62728"));
        AddRightAxisLine(plot, t, result.Timeline.Select(p => p.GcPauseSeconds * 1000).ToArray(), "generator GC pause, ms (right axis)", "GC pause (ms)");
        MarkMeasurement(plot, result);
        Format(plot, $"{result.Profile}: resends, reconnects and errors", "time (s)", "count per interval");
        FromZero(plot, result.Timeline.Select(p => (double)Math.Max(p.Resends, Math.Max(p.Reconnects, p.Errors))));
        plot.Axes.SetLimitsY(0, Math.Max(1, result.Timeline.Select(p => p.GcPauseSeconds * 1000).DefaultIfEmpty(0).Max() * 1.1), plot.Axes.Right);
        return new Chart("faults-over-time", "Resends, reconnects and errors per interval, with the generator's GC pauses", plot);
    }

    /// <summary>
    /// The cost of each QoS level in one run: msg/s and p50/p99 of its handshake. A mixed run cannot split CPU or
    /// bytes by QoS, so those come as one whole-run entry; <c>loadgen qos</c> runs each level alone to get them.
    /// </summary>
    public static IReadOnlyList<QosCost> QosCosts(RunResult result)
    {
        var costs = new List<QosCost>();
        foreach ((string metric, string label) in Handshakes)
        {
            if (result.Response.TryGetValue(metric, out LatencySummary? s))
            {
                double? resends = metric == LatencyMetrics.Handshake(0).Name ? null : result.ResendRates.Where(k => k.Key.StartsWith(metric + ".", StringComparison.Ordinal)).Sum(k => k.Value);
                costs.Add(new QosCost(label, s.Count / Math.Max(0.001, result.Seconds), s.P50 / 1000, s.P99 / 1000, null, null, resends));
            }
        }

        if (result.Generator is { } g)
        {
            costs.Add(new QosCost("whole run", result.Throughput, double.NaN, double.NaN, g.CpuMicrosecondsPerMessage, g.WireBytesPerMessage));
        }

        return costs;
    }

    /// <summary>Grouped bars: msg/s, p50 and p99 (ms), CPU µs per message and bytes per message, each scaled to its maximum.</summary>
    public static Chart QosCostChart(IReadOnlyList<QosCost> costs, string title)
    {
        var plot = ChartFonts.NewPlot();
        (string Name, Func<QosCost, double?> Value, string Unit)[] measures =
        [
            ("msg/s", c => c.MessagesPerSecond, ""),
            ("p50 ms", c => double.IsNaN(c.P50Milliseconds) ? null : c.P50Milliseconds, ""),
            ("p99 ms", c => double.IsNaN(c.P99Milliseconds) ? null : c.P99Milliseconds, ""),
            ("CPU µs/msg", c => c.CpuMicrosecondsPerMessage, ""),
            ("bytes/msg", c => c.WireBytesPerMessage, ""),
            ("resends/msg", c => c.ResendsPerMessage, ""),
        ];

        // Each measure has its own unit, so bars are drawn relative to the largest of their group and labelled with
        // the real value.
        var bars = new List<Bar>();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        string[] palette = ["#1f77b4", "#ff7f0e", "#9467bd", "#7f7f7f", "#2ca02c"];
        for (int m = 0; m < measures.Length; m++)
        {
            double max = costs.Select(c => measures[m].Value(c) ?? 0).DefaultIfEmpty(0).Max();
            double group = m * (costs.Count + 1);
            ticks.AddMajor(group + (costs.Count - 1) / 2.0, measures[m].Name);
            for (int i = 0; i < costs.Count; i++)
            {
                if (measures[m].Value(costs[i]) is not { } value)
                {
                    continue;
                }

                bars.Add(new Bar
                {
                    Position = group + i,
                    Value = max > 0 ? value / max : 0,
                    FillColor = Color.FromHex(palette[i % palette.Length]),
                    Label = value >= 100 ? value.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : value.ToString(value < 0.1 ? "0.####" : "0.##", System.Globalization.CultureInfo.InvariantCulture),
                });
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Legend.ManualItems.AddRange(costs.Select((c, i) => new LegendItem { LabelText = c.Label, FillColor = Color.FromHex(palette[i % palette.Length]) }));
        plot.Axes.SetLimitsY(0, 1.15);
        Format(plot, title, "measure (bars labelled with their value)", "relative to the largest in the group");
        plot.ShowLegend(Edge.Right);
        return new Chart("qos-cost", "Cost per QoS level: throughput, latency, generator CPU and bytes on the wire", plot);
    }

    private static void AddDistribution(Plot plot, IReadOnlyList<double> values, string label, Color color, LinePattern pattern)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < LatencyDistribution.Percentiles.Count && i < values.Count; i++)
        {
            double p = LatencyDistribution.Percentiles[i];
            if (p >= 100)
            {
                continue;
            }

            xs.Add(Math.Log10(100 / (100 - p)));
            ys.Add(values[i] / 1000);
        }

        var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
        line.LegendText = label;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 4;
    }

    private static void FormatDistribution(Plot plot, string title)
    {
        double top = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>()
            .SelectMany(p => p.Data.GetScatterPoints()).Select(c => c.Y).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, Math.Max(0.01, top * 1.05));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach ((double position, string label) in PercentileTicks)
        {
            ticks.AddMajor(position, label);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(0, 5.1);
        Format(plot, title, "percentile (log scale)", "latency (ms)");
    }

    private static ScottPlot.Plottables.Scatter AddLine(Plot plot, double[] xs, double[] ys, string label, Color color)
    {
        var line = plot.Add.ScatterLine(xs, ys, color);
        line.LegendText = label;
        line.LineWidth = 2;
        return line;
    }

    // A grey dotted series against the right axis, for a quantity in other units than the chart's main one.
    private static void AddRightAxisLine(Plot plot, double[] xs, double[] ys, string legend, string axisLabel)
    {
        var line = plot.Add.ScatterLine(xs, ys, Color.FromHex("#7f7f7f"));
        line.LegendText = legend;
        line.LinePattern = LinePattern.Dotted;
        line.LineWidth = 2;
        line.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = axisLabel;
    }

    private static void MarkMeasurement(Plot plot, RunResult result)
    {
        // The measured phase starts where the first Measure interval begins; what is left of it is set-up and warm-up.
        TimelinePoint? first = result.Timeline.FirstOrDefault(p => p.Phase == RunPhase.Measure);
        if (first is not null)
        {
            var line = plot.Add.VerticalLine(first.Time - first.Seconds, 1, Color.FromHex("#bbbbbb"), LinePattern.Dashed);
            line.LegendText = "measured from here";
        }
    }

    private static void Format(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Title(title, 16);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        plot.ShowLegend(Alignment.UpperLeft);
    }

    // Counts and latencies start at zero; an all-zero series still gets a visible axis.
    private static void FromZero(Plot plot, IEnumerable<double> values) =>
        plot.Axes.SetLimitsY(0, Math.Max(1, values.DefaultIfEmpty(0).Max() * 1.1));

    private static double Rate(long count, TimelinePoint p) => p.Seconds > 0 ? count / p.Seconds : 0;

    // One colour per metric, by its place in the metric table, so a metric looks the same on every chart.
    private static readonly string[] Colors = ["#17becf", "#bcbd22", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a"];

    internal static Color Palette(string metric) => Color.FromHex(Colors[Math.Min(LatencyMetrics.OrderOf(metric), Colors.Length - 1)]);

    // Each QoS level's whole handshake, labelled by its level.
    private static readonly (string Metric, string Label)[] Handshakes = [.. Enumerable.Range(0, 3).Select(q => (LatencyMetrics.Handshake(q).Name, $"QoS {q}"))];
}
