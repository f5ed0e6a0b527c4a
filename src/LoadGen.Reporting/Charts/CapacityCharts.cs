using System.Globalization;
using LoadGen.Engine;
using ScottPlot;

namespace LoadGen.Reporting;

/// <summary>
/// A capacity search's curves, both against the offered rate on log axes (the ramp doubles it): latency percentiles
/// (response and service time) with the SLO thresholds, and achieved against offered rate; the capacity found is marked
/// on both, and failed steps are drawn as crosses.
/// </summary>
public static class CapacityCharts
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The two charts of a capacity run: <c>capacity</c> (latency) and <c>capacity-rate</c> (achieved rate).</summary>
    public static IReadOnlyList<Chart> All(RunResult result) =>
        result.Capacity is { } c ? [Latency(c, result.Profile), Rate(c, result.Profile)] : [];

    /// <summary>Latency percentiles of the main metric against the offered rate, SLO thresholds and the capacity marked.</summary>
    public static Chart Latency(CapacityResult c, string title)
    {
        Plot plot = ChartFonts.NewPlot();
        string? metric = CapacityReport.MainMetric(c);
        CapacityStep[] steps = Sorted(c);
        var ys = new List<double>();
        if (metric is not null)
        {
            CapacityStep[] measured = steps.Where(s => s.Latency.ContainsKey(metric)).ToArray();
            Color color = RunCharts.Palette(metric);
            (string Label, Func<StepLatency, double> Value, LinePattern Pattern, float Width)[] series =
            [
                ("p50", l => l.P50, LinePattern.Solid, 1.5f),
                ("p99", l => l.P99, LinePattern.Solid, 2.5f),
                ("p99.9", l => l.P999, LinePattern.Dotted, 2),
                ("service p99", l => l.ServiceP99, LinePattern.Dashed, 2),
            ];
            foreach ((string label, Func<StepLatency, double> value, LinePattern pattern, float width) in series)
            {
                double[] y = measured.Select(s => Log(value(s.Latency[metric]) / 1000)).ToArray();
                ys.AddRange(y);
                var line = plot.Add.ScatterLine(measured.Select(s => Log(s.Offered)).ToArray(), y, color);
                line.LegendText = $"{metric} {label}{(label.StartsWith("service", StringComparison.Ordinal) ? "" : " (response)")}";
                line.LinePattern = pattern;
                line.LineWidth = width;
                line.MarkerSize = 5;
            }

            Failures(plot, measured, s => Log(s.Latency[metric].P99 / 1000));
        }

        // Every latency SLO with its threshold, in its metric's colour; a metric other than the main one gets its p99
        // curve too, so each threshold has the figure it judges beside it.
        foreach (SloThreshold slo in c.Slos.Select(TryParse).OfType<SloThreshold>().Where(s => s.Histogram is not null))
        {
            Color color = RunCharts.Palette(slo.Histogram!);
            if (slo.Histogram != metric && steps.Where(s => s.Latency.ContainsKey(slo.Histogram!)).ToArray() is { Length: > 0 } other)
            {
                double[] y = other.Select(s => Log(s.Latency[slo.Histogram!].P99 / 1000)).ToArray();
                ys.AddRange(y);
                var line = plot.Add.ScatterLine(other.Select(s => Log(s.Offered)).ToArray(), y, color);
                line.LegendText = $"{slo.Histogram} p99 (response)";
                line.LineWidth = 2.5f;
                line.MarkerSize = 5;
            }

            var threshold = plot.Add.HorizontalLine(Log(slo.Value / 1000), 1.5f, color, LinePattern.Dashed);
            threshold.LegendText = $"SLO {slo.Text}";
            ys.Add(Log(slo.Value / 1000));
        }

        MarkCapacity(plot, c);
        LogTicks(plot.Axes.Bottom, steps.Select(s => s.Offered));
        LogTicks(plot.Axes.Left, ys.Select(y => Math.Pow(10, y)));
        Format(plot, $"{title}: latency against offered rate ({metric ?? "no latency measured"})", "latency (ms, log scale)");
        return new Chart("capacity", $"Latency percentiles ({metric}; p99 of every metric an SLO judges) against offered rate, SLO thresholds and the capacity found marked; crosses are failed steps", plot);
    }

    /// <summary>Achieved (acknowledged) against offered rate, the ideal diagonal and the capacity marked.</summary>
    public static Chart Rate(CapacityResult c, string title)
    {
        Plot plot = ChartFonts.NewPlot();
        CapacityStep[] steps = Sorted(c);
        double[] xs = steps.Select(s => Log(s.Offered)).ToArray();
        var ideal = plot.Add.ScatterLine(xs, xs, Color.FromHex("#bbbbbb"));
        ideal.LegendText = "achieved = offered";
        ideal.LinePattern = LinePattern.Dashed;
        var achieved = plot.Add.ScatterLine(xs, steps.Select(s => Log(s.Achieved)).ToArray(), Color.FromHex("#1f77b4"));
        achieved.LegendText = "achieved (acknowledged)";
        achieved.LineWidth = 2.5f;
        achieved.MarkerSize = 5;
        Failures(plot, steps, s => Log(s.Achieved));
        MarkCapacity(plot, c);
        IEnumerable<double> all = steps.Select(s => s.Offered).Concat(steps.Select(s => s.Achieved));
        LogTicks(plot.Axes.Bottom, all);
        LogTicks(plot.Axes.Left, all);
        Format(plot, $"{title}: achieved against offered rate", "achieved (msg/s, log scale)");
        return new Chart("capacity-rate", "Achieved against offered rate, with the capacity found marked; crosses are failed steps", plot);
    }

    /// <summary>Two capacity runs' curves overlaid: p99 of each one's main metric and its capacity, baseline dashed.</summary>
    public static Chart Compare(CapacityResult baseline, CapacityResult candidate, string baselineName, string candidateName)
    {
        Plot plot = ChartFonts.NewPlot();
        var ys = new List<double>();
        var xs = new List<double>();
        foreach ((CapacityResult c, string name, LinePattern pattern, Color color) in new[]
        {
            (baseline, baselineName, LinePattern.Dashed, Color.FromHex("#7f7f7f")),
            (candidate, candidateName, LinePattern.Solid, Color.FromHex("#1f77b4")),
        })
        {
            string? metric = CapacityReport.MainMetric(c);
            CapacityStep[] steps = Sorted(c).Where(s => metric is not null && s.Latency.ContainsKey(metric)).ToArray();
            double[] y = steps.Select(s => Log(s.Latency[metric!].P99 / 1000)).ToArray();
            var line = plot.Add.ScatterLine(steps.Select(s => Log(s.Offered)).ToArray(), y, color);
            line.LegendText = $"{name}: p99 {metric}";
            line.LinePattern = pattern;
            line.LineWidth = 2.5f;
            line.MarkerSize = 5;
            ys.AddRange(y);
            xs.AddRange(steps.Select(s => s.Offered));
            if (c.MaxRate > 0)
            {
                var mark = plot.Add.VerticalLine(Log(c.MaxRate), 2, color, pattern);
                mark.LegendText = string.Create(C, $"{name}: capacity {c.MaxRate:0} msg/s");
                xs.Add(c.MaxRate);
            }
        }

        LogTicks(plot.Axes.Bottom, xs);
        LogTicks(plot.Axes.Left, ys.Select(y => Math.Pow(10, y)));
        Format(plot, $"capacity: {baselineName} (dashed) vs {candidateName} (solid)", "p99 latency (ms, log scale)");
        return new Chart("compare-capacity", "p99 latency against offered rate and each run's capacity, baseline dashed, candidate solid", plot);
    }

    private static CapacityStep[] Sorted(CapacityResult c) => [.. c.Steps.OrderBy(s => s.Offered).ThenBy(s => s.Index)];

    private static void Failures(Plot plot, CapacityStep[] steps, Func<CapacityStep, double> y)
    {
        CapacityStep[] failed = steps.Where(s => !s.Passed).ToArray();
        if (failed.Length == 0)
        {
            return;
        }

        var marks = plot.Add.ScatterPoints(failed.Select(s => Log(s.Offered)).ToArray(), failed.Select(y).ToArray(), Color.FromHex("#d62728"));
        marks.MarkerShape = MarkerShape.Eks;
        marks.MarkerSize = 12;
        marks.LegendText = "failed step";
    }

    private static void MarkCapacity(Plot plot, CapacityResult c)
    {
        if (c.MaxRate > 0)
        {
            var line = plot.Add.VerticalLine(Log(c.MaxRate), 2, Color.FromHex("#2ca02c"));
            line.LegendText = string.Create(C, $"capacity {c.MaxRate:0} msg/s ({CapacityReport.Name(c.LimitedBy)}{(c.Confirmed ? ", confirmed" : "")})");
        }
    }

    private static void Format(Plot plot, string title, string yLabel)
    {
        plot.Title(title, 16);
        plot.XLabel("offered rate (msg/s, log scale)", 14);
        plot.YLabel(yLabel, 14);
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static double Log(double value) => Math.Log10(Math.Max(value, 1e-3));

    // Ticks at 1, 2 and 5 of every decade the values span, labelled in plain numbers.
    private static void LogTicks(ScottPlot.IAxis axis, IEnumerable<double> values)
    {
        double[] v = values.Where(x => x > 0 && double.IsFinite(x)).ToArray();
        if (v.Length == 0)
        {
            return;
        }

        int low = (int)Math.Floor(Math.Log10(v.Min())), high = (int)Math.Ceiling(Math.Log10(v.Max()));
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int decade = low; decade <= high; decade++)
        {
            foreach (double m in new[] { 1.0, 2, 5 })
            {
                double value = m * Math.Pow(10, decade);
                ticks.AddMajor(Math.Log10(value), value.ToString(value < 1 ? "0.###" : "#,0", C));
            }
        }

        axis.TickGenerator = ticks;
        axis.Min = Math.Log10(v.Min()) - 0.1;
        axis.Max = Math.Log10(v.Max()) + 0.1;
    }

    private static SloThreshold? TryParse(string text)
    {
        try
        {
            return ProfileLoader.ParseSlo(text);
        }
        catch (ProfileException)
        {
            return null;
        }
    }
}
