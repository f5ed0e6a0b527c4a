using System.Globalization;
using System.Text;
using HdrHistogram;
using HdrHistogram.Iteration;

namespace LoadGen.Engine;

public sealed partial class LoadRunner
{
    // Prometheus histogram buckets, in seconds: 100 µs to 10 s, roughly 1-2.5-5 per decade.
    private static readonly double[] Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // The live view a scrape gets: counters as they are now, latency as of the last closed interval (the run's
    // histograms are updated once a second by the sampler). Bucket counts come from HdrHistogram's recorded values,
    // exact to its 3 significant digits.
    private string RenderMetrics()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string shard = _profile.Shard.IsWhole ? "" : $",shard=\"{_profile.Shard}\"";
        sb.Append(c, $"# HELP loadgen_run_info The run being measured.\n# TYPE loadgen_run_info gauge\nloadgen_run_info{{profile=\"{Escape(_profile.Name)}\"{shard}}} 1\n");
        Gauge(sb, "loadgen_sessions_connected", "Sessions connected now.", _sessions.Count(s => s.Client.IsConnected));
        Gauge(sb, "loadgen_sessions_planned", "Sessions this process runs.", _sessions.Count);

        sb.Append("# HELP loadgen_messages_sent_total Messages published, by QoS.\n# TYPE loadgen_messages_sent_total counter\n");
        for (int qos = 0; qos < 3; qos++)
        {
            sb.Append(c, $"loadgen_messages_sent_total{{qos=\"{qos}\"}} {_counters.SentAt(qos)}\n");
        }

        Counter(sb, "loadgen_messages_acknowledged_total", "QoS 1/2 handshakes completed, and QoS 0 messages written.", _counters[RunCounter.Acknowledged]);
        Counter(sb, "loadgen_messages_received_total", "Messages delivered to subscriber sessions.", _counters[RunCounter.Received]);
        Counter(sb, "loadgen_duplicates_total", "Deliveries of a message a subscriber already had.", _counters[RunCounter.Duplicates]);
        Counter(sb, "loadgen_reconnects_total", "Sessions connected again after losing their connection.", _counters[RunCounter.Reconnects]);
        Counter(sb, "loadgen_errors_total", "Errors of every kind (connect failures, lost connections, protocol errors).", _counters.Errors);
        Counter(sb, "loadgen_resends_total", "Packets sent again (DUP PUBLISH, PUBREL, PUBREC).", _sessions.Sum(s => s.Client.Session.Resends.Total));
        Counter(sb, "loadgen_bytes_sent_total", "Bytes written to brokers, MQTT framing included.", _sessions.Sum(s => s.Client.BytesSent));
        Counter(sb, "loadgen_bytes_received_total", "Bytes read from brokers.", _sessions.Sum(s => s.Client.BytesReceived));

        sb.Append("# HELP loadgen_latency_seconds Latency per LoadGen metric: response time from the intended send, service time from the actual send.\n");
        sb.Append("# TYPE loadgen_latency_seconds histogram\n");
        lock (_sampling)
        {
            foreach (LatencyMetric metric in Metrics)
            {
                string name = LatencyHistograms.NameOf(metric);
                foreach ((string kind, HistogramBase h) in new[] { ("response", _all.Response(metric)), ("service", _all.Service(metric)) })
                {
                    if (h.TotalCount > 0)
                    {
                        Histogram(sb, $"metric=\"{name}\",time=\"{kind}\"", h);
                    }
                }
            }
        }

        return sb.ToString();
    }

    private static void Histogram(StringBuilder sb, string labels, HistogramBase h)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var counts = new long[Buckets.Length];
        foreach (HistogramIterationValue v in h.RecordedValues())
        {
            double seconds = v.ValueIteratedTo / 1e6;
            int at = Array.FindIndex(Buckets, b => seconds <= b);
            if (at >= 0)
            {
                counts[at] += v.CountAtValueIteratedTo;
            }
        }

        long cumulative = 0;
        for (int i = 0; i < Buckets.Length; i++)
        {
            cumulative += counts[i];
            sb.Append(c, $"loadgen_latency_seconds_bucket{{{labels},le=\"{Buckets[i].ToString("R", c)}\"}} {cumulative}\n");
        }

        sb.Append(c, $"loadgen_latency_seconds_bucket{{{labels},le=\"+Inf\"}} {h.TotalCount}\n");
        sb.Append(c, $"loadgen_latency_seconds_sum{{{labels}}} {(h.GetMean() * h.TotalCount / 1e6).ToString("R", c)}\n");
        sb.Append(c, $"loadgen_latency_seconds_count{{{labels}}} {h.TotalCount}\n");
    }

    private static void Counter(StringBuilder sb, string name, string help, long value) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static void Gauge(StringBuilder sb, string name, string help, long value) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
