using System.Globalization;
using System.Text;
using System.Text.Json;
using LoadGen.Engine;

namespace LoadGen.Reporting;

/// <summary>Writes a loop-model study: <c>loops.json</c>, <c>loops.md</c> and <c>charts/</c>.</summary>
public static class LoopReport
{
    /// <summary>Writes the study into <paramref name="folder"/>.</summary>
    public static void Write(LoopStudyResult study, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "loops.json"), JsonSerializer.Serialize(study, ResultFile.Json));
        File.WriteAllText(Path.Combine(folder, "loops.md"), Markdown(study));
        foreach (Chart chart in LoopCharts.All(study))
        {
            chart.Save(Path.Combine(folder, "charts"));
        }
    }

    /// <summary>Reads <c>loops.json</c> back.</summary>
    public static LoopStudyResult Read(string path) =>
        JsonSerializer.Deserialize<LoopStudyResult>(File.ReadAllText(path), ResultFile.Json) ?? throw new InvalidDataException($"{path}: empty");

    private static readonly string[] Kinds = ["client loop threads", "the one loop thread", "thread pool", "socket engine", "garbage collector", "other"];

    private static string Kib(double bytes, int sessions) => sessions < 100 ? "-" : (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>The study as a Markdown table, invariant culture.</summary>
    public static string Markdown(LoopStudyResult study)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"# Loop models: QoS {string.Join(" and ", study.Cases.Select(m => m.Qos).Distinct().Order())}, 100 B, against {study.Broker}");
        sb.AppendLine();
        string included = study.Broker == "embedded" ? ", embedded broker included." : ".";
        sb.AppendLine(c, $"{study.StartedUtc:yyyy-MM-dd HH:mm} UTC, {study.Host.Os}, {study.Host.ProcessorCount} logical processors, {study.Host.Runtime}. CPU, allocations and context switches are the whole process's{included}");
        sb.AppendLine();
        sb.AppendLine("| model | sessions | window | QoS | status | msg/s | p50 ms | p99 ms | p99.9 ms | CPU µs/msg | of which kernel | B alloc/msg | GCs/1k msg | KiB managed/session | KiB resident/session | threads | ctx switches/msg |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (LoopMeasurement m in study.Cases)
        {
            sb.AppendLine(c, $"| {m.Model} | {m.Sessions} | {m.Window} | {m.Qos} | {m.Status} | {m.MessagesPerSecond:0} | {m.P50 / 1000:0.000} | {m.P99 / 1000:0.000} | {m.P999 / 1000:0.000} | {m.CpuMicrosecondsPerMessage:0.0} | {m.KernelMicrosecondsPerMessage:0.0} | {m.AllocatedBytesPerMessage:0} | {m.CollectionsPerThousandMessages:0.00} | {Kib(m.ManagedBytesPerSession, m.Sessions)} | {Kib(m.ResidentBytesPerSession, m.Sessions)} | {m.Threads} | {m.ContextSwitchesPerMessage:0.00} |");
        }

        sb.AppendLine();
        sb.AppendLine("Where the CPU goes, µs per message by kind of thread:");
        sb.AppendLine();
        sb.AppendLine("| model | sessions | window | QoS | " + string.Join(" | ", Kinds) + " |");
        sb.AppendLine("|---|---|---|---|" + string.Concat(Kinds.Select(_ => "---|")));
        foreach (LoopMeasurement m in study.Cases.Where(m => m.Acknowledged > 0))
        {
            string cells = string.Join(" | ", Kinds.Select(k => m.ThreadCpuMicrosecondsPerMessage.TryGetValue(k, out double v) ? v.ToString("0.0", c) : "-"));
            sb.AppendLine(c, $"| {m.Model} | {m.Sessions} | {m.Window} | {m.Qos} | {cells} |");
        }

        sb.AppendLine();
        sb.AppendLine("Memory per session is measured from 100 sessions up; below that it is noise.");
        sb.AppendLine();
        sb.AppendLine("Largest session count each model completed: " + string.Join(", ", study.LargestSessions.Select(kv => $"{kv.Key} {kv.Value}")) + ".");
        return sb.ToString();
    }
}
