using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

// slo: [ "p99(qos1) < 50ms", "error_rate < 0.1%", ... ], the SLO grammar.
internal sealed partial class ProfileReader
{

    internal SloThreshold? Slo(YamlNode node, string path)
    {
        string? text = Text(node, path);
        if (text is null)
        {
            return null;
        }

        string allowed = $"allowed: p50|p90|p99|p99.9|max({string.Join('|', LatencyMetrics.Names)}) < 20ms, {string.Join('|', SloThreshold.RateMetrics)} < 0.1%, throughput >= 1000";
        string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || parts[1] is not ("<" or "<=" or ">" or ">="))
        {
            Error(node, path, $"\"{text}\" is not 'metric operator value'; {allowed}");
            return null;
        }

        string metric = parts[0];
        string? histogram = null;
        int open = metric.IndexOf('(');
        if (open > 0 && metric.EndsWith(')'))
        {
            histogram = metric[(open + 1)..^1];
            metric = metric[..open];
            if (metric is not ("p50" or "p90" or "p99" or "p99.9" or "max") || !LatencyMetrics.Names.Contains(histogram))
            {
                Error(node, path, $"unknown latency metric \"{parts[0]}\"; {allowed}");
                return null;
            }

            if (!Durations.TryParse(parts[2], out TimeSpan bound))
            {
                Error(node, path, $"\"{parts[2]}\" is not a duration such as 500us, 20ms or 1s");
                return null;
            }

            return new SloThreshold(metric, histogram, parts[1], bound.TotalMicroseconds, text);
        }

        if (SloThreshold.RateMetrics.Contains(metric) && Units.TryParsePercent(parts[2], out double fraction))
        {
            return new SloThreshold(metric, null, parts[1], fraction, text);
        }

        if (metric == "throughput" && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
        {
            return new SloThreshold(metric, null, parts[1], rate, text);
        }

        Error(node, path, $"cannot read \"{text}\"; {allowed}");
        return null;
    }
}
