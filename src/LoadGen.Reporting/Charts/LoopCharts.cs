using LoadGen.Client;
using LoadGen.Engine;
using ScottPlot;

namespace LoadGen.Reporting;

/// <summary>The charts of a loop-model study: CPU per message and p99 latency by model and size, memory per session by model.</summary>
public static class LoopCharts
{
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];

    /// <summary>Every chart of the study.</summary>
    public static IReadOnlyList<Chart> All(LoopStudyResult study)
    {
        return
        [
            Grouped(study, "loops-cpu", "Client CPU per message by loop model and workload", "process CPU µs per message", c => c.CpuMicrosecondsPerMessage),
            Grouped(study, "loops-p99", "Handshake p99 (PUBACK, or PUBCOMP at QoS 2) by loop model and workload", "p99 latency (ms)", c => c.P99 / 1000),
            Memory(study),
        ];
    }

    private static Chart Grouped(LoopStudyResult study, string name, string title, string yLabel, Func<LoopMeasurement, double> value)
    {
        var plot = ChartFonts.NewPlot();
        List<LoopModel> models = study.Cases.Select(c => c.Model).Distinct().ToList();
        List<(int Sessions, int Window, int Qos)> workloads = study.Cases.Select(c => (c.Sessions, c.Window, c.Qos)).Distinct().ToList();
        var bars = new List<Bar>();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int w = 0; w < workloads.Count; w++)
        {
            double group = w * (models.Count + 1);
            ticks.AddMajor(group + (models.Count - 1) / 2.0, $"{workloads[w].Sessions} sessions\nwindow {workloads[w].Window}{(workloads[w].Qos == 1 ? "" : $", QoS {workloads[w].Qos}")}");
            for (int m = 0; m < models.Count; m++)
            {
                LoopMeasurement? c = study.Cases.FirstOrDefault(x => x.Model == models[m] && x.Sessions == workloads[w].Sessions && x.Window == workloads[w].Window && x.Qos == workloads[w].Qos);
                if (c is null || c.Acknowledged == 0)
                {
                    continue;
                }

                double v = value(c);
                bars.Add(new Bar
                {
                    Position = group + m,
                    Value = v,
                    FillColor = Color.FromHex(Palette[m % Palette.Length]).WithAlpha(c.Status == "ok" ? 1.0 : 0.35),
                    Label = v >= 100 ? v.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture),
                });
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 10;
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MinimumSize = 50;
        plot.Legend.ManualItems.AddRange(models.Select((m, i) => new LegendItem { LabelText = m.ToString(), FillColor = Color.FromHex(Palette[i % Palette.Length]) }));
        plot.ShowLegend(Edge.Right);
        plot.Axes.SetLimitsY(0, Math.Max(0.01, bars.Select(b => b.Value).DefaultIfEmpty(1).Max() * 1.15));
        plot.Title($"{title} ({(study.Broker == "embedded" ? "embedded broker, its CPU included" : study.Broker)})", 15);
        plot.XLabel("workload (QoS 1 unless marked); faded bars: the model could not finish", 13);
        plot.YLabel(yLabel, 13);
        return new Chart(name, title, plot, 1200, 560);
    }

    private static Chart Memory(LoopStudyResult study)
    {
        var plot = ChartFonts.NewPlot();
        List<LoopModel> models = study.Cases.Select(c => c.Model).Distinct().ToList();
        var bars = new List<Bar>();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int m = 0; m < models.Count; m++)
        {
            // At the largest session count the model connected: fixed costs spread thinnest there.
            LoopMeasurement? c = study.Cases.Where(x => x.Model == models[m] && x.ManagedBytesPerSession > 0).OrderByDescending(x => x.Sessions).FirstOrDefault();
            ticks.AddMajor(m * 3 + 0.5, $"{models[m]}\n{(c is null ? "-" : $"{c.Sessions} sessions")}");
            if (c is null)
            {
                continue;
            }

            bars.Add(new Bar { Position = m * 3, Value = c.ManagedBytesPerSession / 1024, FillColor = Color.FromHex("#1f77b4"), Label = $"{c.ManagedBytesPerSession / 1024:0.#}" });
            bars.Add(new Bar { Position = m * 3 + 1, Value = c.ResidentBytesPerSession / 1024, FillColor = Color.FromHex("#ff7f0e"), Label = $"{c.ResidentBytesPerSession / 1024:0.#}" });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MinimumSize = 50;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "managed heap", FillColor = Color.FromHex("#1f77b4") });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "resident set", FillColor = Color.FromHex("#ff7f0e") });
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.SetLimitsY(0, Math.Max(1, bars.Select(b => b.Value).DefaultIfEmpty(1).Max() * 1.15));
        plot.Title("Memory per connected session by loop model", 15);
        plot.XLabel("loop model, at the largest session count it connected", 13);
        plot.YLabel("KiB per session", 13);
        return new Chart("loops-memory", "Memory per connected session by loop model", plot, 1200, 560);
    }
}
