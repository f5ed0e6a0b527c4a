using HdrHistogram;
using LoadGen.Engine;

namespace LoadGen.Reporting;

/// <summary>
/// Writes a run folder's charts (<c>charts/*.png</c>, <c>charts/*.svg</c>) and <c>report.html</c>. Used at the end
/// of every run and by <c>loadgen report</c>, which rebuilds them from <c>result.json</c> and, when present, the
/// interval log <c>latency.hlog</c>, whose full histograms give the distributions back at full resolution.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Writes the charts and the report for <paramref name="result"/> into <paramref name="folder"/>; returns report.html's path.</summary>
    public static string Write(RunResult result, string folder)
    {
        IReadOnlyList<Chart> charts = RunCharts.All(result);
        var rendered = new List<(Chart, byte[])>();
        string chartFolder = Path.Combine(folder, "charts");
        foreach (Chart chart in charts)
        {
            chart.Save(chartFolder);
            rendered.Add((chart, File.ReadAllBytes(Path.Combine(chartFolder, chart.Name + ".png"))));
        }

        string report = Path.Combine(folder, "report.html");
        File.WriteAllText(report, HtmlReport.Build(result, rendered));
        return report;
    }

    /// <summary>Reads a run folder back: <c>result.json</c>, with its distributions rebuilt from <c>latency.hlog</c> when it is there.</summary>
    public static RunResult Read(string folder)
    {
        string json = Path.Combine(folder, "result.json");
        if (!File.Exists(json))
        {
            throw new FileNotFoundException($"{folder} holds no result.json: not a LoadGen run folder", json);
        }

        RunResult result = ResultFile.Read(json);
        // A merged run's distributions were computed from each shard's own measured phase; its merged log lines up
        // seconds across shards, phases included, so it is for charts and tools, not for recomputing them.
        string log = Path.Combine(folder, "latency.hlog");
        return File.Exists(log) && result.MergedFrom is null ? result with { Percentiles = FromLog(result, log) } : result;
    }

    // The distributions at full resolution from the logged intervals, summed as the run itself sums them.
    private static Dictionary<string, LatencyDistribution> FromLog(RunResult result, string path)
    {
        IReadOnlyList<HistogramBase> intervals;
        using (FileStream stream = File.OpenRead(path))
        {
            intervals = HistogramLogFile.Read(stream);
        }

        Dictionary<string, HistogramBase> sums = RunHistograms.Totals(result, intervals);
        var distributions = new Dictionary<string, LatencyDistribution>();
        foreach (string metric in sums.Keys.Select(RunHistograms.MetricOf).Distinct())
        {
            if (sums.TryGetValue(metric + ".response", out HistogramBase? response) && sums.TryGetValue(metric + ".service", out HistogramBase? service) &&
                response.TotalCount > 0)
            {
                distributions[metric] = RunHistograms.Distribution(response, service);
            }
        }

        return distributions.Count > 0 ? distributions : new Dictionary<string, LatencyDistribution>(result.Percentiles);
    }
}
