using System.Text.Json;
using LoadGen.Engine.Loops;

namespace LoadGen.Reporting.Tests;

/// <summary>A short loop-model study against the embedded broker: every model finishes the same work, and the files are complete.</summary>
public class LoopStudyTests
{
    [Fact]
    public async Task AShortStudyCompletesUnderEveryModelAndWritesAValidResult()
    {
        var options = new LoopStudyOptions { Sessions = [10], Windows = [1, 16], Messages = 500, Limit = TimeSpan.FromSeconds(30) };
        LoopStudyResult study = await LoopStudy.RunAsync(options, null, CancellationToken.None);

        Assert.Equal(Enum.GetValues<LoopModel>().Length * 2, study.Cases.Count);
        Assert.All(study.Cases, c =>
        {
            Assert.True(c.Status == "ok", $"{c.Model}/{c.Window}: {c.Status}");
            // The same message count is acknowledged under every model.
            Assert.Equal(500, c.Acknowledged);
            Assert.True(c.MessagesPerSecond > 0 && c.P50 > 0 && c.P99 >= c.P50 && c.CpuMicrosecondsPerMessage > 0 && c.Threads > 0, c.ToString());
        });
        // A thread per client shows as threads: the case added at least its ten loop threads (the thread pool may add
        // its own under any model, so the single-thread models are not held to zero).
        Assert.All(study.Cases.Where(c => c.Model is LoopModel.ThreadPerClient or LoopModel.LoopForever), c => Assert.True(c.ThreadsAdded >= 10, $"{c.Model}: {c.ThreadsAdded} threads added"));
        Assert.All(study.LargestSessions.Values, n => Assert.Equal(10, n));

        string folder = Path.Combine(Path.GetTempPath(), $"loadgen-loops-{Guid.NewGuid():N}");
        LoopReport.Write(study, folder);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "loops.json")));
        JsonElement first = json.RootElement.GetProperty("cases")[0];
        foreach (string field in new[] { "model", "sessions", "window", "status", "acknowledged", "messages_per_second", "p50", "p99", "p999",
                     "cpu_microseconds_per_message", "allocated_bytes_per_message", "collections_per_thousand_messages", "managed_bytes_per_session",
                     "resident_bytes_per_session", "threads", "context_switches_per_message" })
        {
            Assert.True(first.TryGetProperty(field, out _), $"loops.json has no {field}");
        }

        Assert.Equal("thread_per_client", first.GetProperty("model").GetString());
        Assert.Equal(study.Cases.Count, LoopReport.Read(Path.Combine(folder, "loops.json")).Cases.Count);
        // Each case appears in the main table and in the CPU-by-thread table.
        string[] markdown = File.ReadAllLines(Path.Combine(folder, "loops.md"));
        Assert.All(Enum.GetNames<LoopModel>(), m => Assert.Equal(4, markdown.Count(l => l.StartsWith($"| {m} | 10 |", StringComparison.Ordinal))));
        Assert.All(study.Cases, c => Assert.NotEmpty(c.ThreadCpuMicrosecondsPerMessage));
        foreach (string chart in new[] { "loops-cpu", "loops-p99", "loops-memory" })
        {
            Assert.True(new FileInfo(Path.Combine(folder, "charts", chart + ".png")).Length > 10_000, chart);
        }
    }
}
