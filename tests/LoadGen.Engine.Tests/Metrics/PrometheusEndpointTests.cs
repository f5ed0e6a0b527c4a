using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace LoadGen.Engine.Tests.Metrics;

/// <summary>The live Prometheus endpoint, scraped while a run goes, as Grafana's Prometheus would.</summary>
public class PrometheusEndpointTests
{
    [Fact]
    public async Task AScrapeDuringARunShowsSessionsCountersAndConsistentLatencyHistograms()
    {
        LoadProfile profile = ProfileLoader.Parse("""
            name: live
            duration: 6s
            groups:
              - { name: pubs, role: publisher, sessions: 10, topic: "live/%i", qos: 1, stages: [ { inject: { rate: 200/s, during: 4s } } ] }
            """, "live.yaml");
        int port = FreePort.Next();
        Task<RunResult> run = LoadRunner.RunAsync(profile, new RunOptions { Metrics = new IPEndPoint(IPAddress.Loopback, port) }, CancellationToken.None);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string? scrape = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                string text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                if (Value(text, "loadgen_messages_acknowledged_total") >= 200 && text.Contains("metric=\"qos1\"", StringComparison.Ordinal))
                {
                    scrape = text;
                    Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{port}/elsewhere")).StatusCode);
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        RunResult result = await run;
        Assert.NotNull(scrape);
        Assert.Contains("# TYPE loadgen_latency_seconds histogram", scrape, StringComparison.Ordinal);
        Assert.Equal(10, Value(scrape, "loadgen_sessions_connected"));
        Assert.True(Value(scrape, "loadgen_messages_sent_total{qos=\"1\"}") >= Value(scrape, "loadgen_messages_acknowledged_total"));
        Assert.True(Value(scrape, "loadgen_messages_acknowledged_total") <= result.Counters["acknowledged"]);

        // Buckets never decrease, +Inf equals _count, and the scraped count is part of what the run finally measured.
        foreach (string time in new[] { "response", "service" })
        {
            string labels = $"metric=\"qos1\",time=\"{time}\"";
            List<double> buckets = Regex.Matches(scrape, $@"loadgen_latency_seconds_bucket\{{{Regex.Escape(labels)},le=""[^""]+""\}} (\d+)")
                .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(17, buckets.Count);
            Assert.Equal(buckets.Order(), buckets);
            double count = Value(scrape, $"loadgen_latency_seconds_count{{{labels}}}");
            Assert.Equal(count, buckets[^1]);
            Assert.True(count > 0 && count <= result.Counters["acknowledged"]);
            Assert.True(Value(scrape, $"loadgen_latency_seconds_sum{{{labels}}}") > 0);
        }
    }

    private static double Value(string text, string series)
    {
        Match m = Regex.Match(text, "^" + Regex.Escape(series) + " ([0-9.eE+-]+)$", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
    }
}
