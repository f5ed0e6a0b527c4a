using System.Text.Json;
using LoadGen.Client;
using LoadGen.Engine;

namespace LoadGen.Reporting.Tests;

/// <summary>A loop study's files: loops.json reads back, every case is in both tables, and the charts are drawn.</summary>
public class LoopReportTests
{
    private static LoopStudyResult Study()
    {
        var cases = new List<LoopMeasurement>();
        foreach (LoopModel model in Enum.GetValues<LoopModel>())
        {
            foreach ((int qos, int window) in new[] { (1, 1), (1, 16), (2, 1), (2, 16) })
            {
                cases.Add(new LoopMeasurement
                {
                    Model = model, Sessions = 100, Window = window, Qos = qos, Status = "ok", Planned = 500, Acknowledged = 500, Seconds = 0.5,
                    MessagesPerSecond = 1000 * window, P50 = 150 * qos, P99 = 400 * qos, P999 = 900 * qos, CpuMicrosecondsPerMessage = 10.0 / window + qos,
                    KernelMicrosecondsPerMessage = 4, AllocatedBytesPerMessage = 0, ManagedBytesPerSession = 2048, ResidentBytesPerSession = 3000, Threads = 20,
                    ThreadCpuMicrosecondsPerMessage = new Dictionary<string, double> { ["thread pool"] = 3, ["socket engine"] = 2 },
                });
            }
        }

        return new LoopStudyResult(new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc), "embedded", HostInfo.Current, cases,
            Enum.GetNames<LoopModel>().ToDictionary(m => m, _ => 100));
    }

    [Fact]
    public void TheStudyFolderHoldsJsonTablesAndCharts()
    {
        LoopStudyResult study = Study();
        string folder = Path.Combine(Path.GetTempPath(), $"loadgen-loops-{Guid.NewGuid():N}");
        LoopReport.Write(study, folder);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "loops.json")));
        JsonElement first = json.RootElement.GetProperty("cases")[0];
        foreach (string field in new[] { "model", "sessions", "window", "qos", "status", "acknowledged", "messages_per_second", "p50", "p99", "p999",
                     "cpu_microseconds_per_message", "allocated_bytes_per_message", "collections_per_thousand_messages", "managed_bytes_per_session",
                     "resident_bytes_per_session", "threads", "context_switches_per_message" })
        {
            Assert.True(first.TryGetProperty(field, out _), $"loops.json has no {field}");
        }

        Assert.Equal("thread_per_client", first.GetProperty("model").GetString());
        Assert.Equal(study.Cases, LoopReport.Read(Path.Combine(folder, "loops.json")).Cases, (a, b) => a.Model == b.Model && a.Qos == b.Qos && a.Window == b.Window);
        // Each case appears in the main table and in the CPU-by-thread table.
        string[] markdown = File.ReadAllLines(Path.Combine(folder, "loops.md"));
        Assert.StartsWith("# Loop models: QoS 1 and 2", markdown[0], StringComparison.Ordinal);
        Assert.All(Enum.GetNames<LoopModel>(), m => Assert.Equal(8, markdown.Count(l => l.StartsWith($"| {m} | 100 |", StringComparison.Ordinal))));
        foreach (string chart in new[] { "loops-cpu", "loops-p99", "loops-memory" })
        {
            Assert.True(new FileInfo(Path.Combine(folder, "charts", chart + ".png")).Length > 10_000, chart);
        }
    }
}
