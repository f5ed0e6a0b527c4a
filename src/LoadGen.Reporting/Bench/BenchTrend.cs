using ScottPlot;

namespace LoadGen.Reporting;

/// <summary>The trend of stored benchmark runs: each LoadGen row's time ratio, and its allocations, run by run.</summary>
public static class BenchTrend
{
    /// <summary>Two charts over <paramref name="runs"/> in time order: ratios (<c>bench-trend-ratio</c>) and allocations (<c>bench-trend-allocated</c>).</summary>
    public static IReadOnlyList<Chart> Charts(IReadOnlyList<BenchRun> runs)
    {
        List<BenchRun> ordered = runs.OrderBy(r => r.StartedUtc).ToList();
        var ratio = ChartFonts.NewPlot();
        var allocated = ChartFonts.NewPlot();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < ordered.Count; i++)
        {
            ticks.AddMajor(i, $"{ordered[i].StartedUtc:MM-dd HH:mm}{(ordered[i].Commit is { Length: >= 7 } c ? " " + c[..7] : "")}");
        }

        foreach (string key in ordered.SelectMany(r => r.Entries).Where(e => !e.IsBaseline).Select(e => e.Key).Distinct().Order(StringComparer.Ordinal))
        {
            var xs = new List<double>();
            var ratios = new List<double>();
            var bytes = new List<double>();
            for (int i = 0; i < ordered.Count; i++)
            {
                if (ordered[i].Entries.FirstOrDefault(e => e.Key == key) is { } entry)
                {
                    xs.Add(i);
                    ratios.Add(entry.Ratio ?? double.NaN);
                    bytes.Add(entry.AllocatedBytes);
                }
            }

            var r = ratio.Add.Scatter(xs.ToArray(), ratios.ToArray());
            r.LegendText = key;
            var a = allocated.Add.Scatter(xs.ToArray(), bytes.ToArray());
            a.LegendText = key;
        }

        foreach ((Plot plot, string title, string y) in new[] { (ratio, "codec benchmarks: time relative to MQTTnet in the same run", "LoadGen time / MQTTnet time"), (allocated, "codec benchmarks: bytes allocated per operation", "bytes per operation") })
        {
            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Axes.SetLimitsX(-0.5, Math.Max(0.5, ordered.Count - 0.5));
            plot.Title(title, 16);
            plot.XLabel("run (UTC date and time, commit)", 14);
            plot.YLabel(y, 14);
            plot.ShowLegend(Edge.Bottom);
            plot.Axes.Bottom.TickLabelStyle.Rotation = -40;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 110;
        }

        allocated.Axes.SetLimitsY(-1, Math.Max(8, ordered.SelectMany(r => r.Entries).Where(e => !e.IsBaseline).Select(e => (double)e.AllocatedBytes).DefaultIfEmpty(0).Max() * 1.2));
        return
        [
            new Chart("bench-trend-ratio", "Each benchmark's time relative to MQTTnet, run by run (lower is better)", ratio, 1200, 1000),
            new Chart("bench-trend-allocated", "Bytes allocated per operation, run by run", allocated, 1200, 1000),
        ];
    }
}
