using System.Globalization;
using System.Text.Json;

namespace LoadGen.Engine;

/// <summary>
/// A run's <c>result.json</c> (schema in <c>docs/result-schema.md</c>), written and read back, and the run folders it
/// goes in. The interval log <c>latency.hlog</c> is written by the run itself; <c>summary.md</c>,
/// <c>timeseries.csv</c> and <c>report.html</c> are rendered from this file by LoadGen.Reporting.
/// </summary>
public static class ResultFile
{
    /// <summary>The JSON settings of <c>result.json</c>: snake_case names, enums as text.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new FiniteDoubleConverter() },
    };

    /// <summary>Creates a new run folder, <c>{root}/{profile}-{yyyyMMdd-HHmmss}</c> (with a suffix if taken).</summary>
    public static string CreateRunFolder(string root, string profile, DateTime startedUtc)
    {
        string folder = FreeRunFolder(root, profile, startedUtc);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The path <see cref="CreateRunFolder"/> would create, not created yet (for a step that may still be refused).</summary>
    public static string FreeRunFolder(string root, string profile, DateTime startedUtc)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"{profile}-{startedUtc:yyyyMMdd-HHmmss}");
        string folder = Path.Combine(root, name);
        for (int i = 2; Directory.Exists(folder); i++)
        {
            folder = Path.Combine(root, $"{name}-{i}");
        }

        return folder;
    }

    /// <summary>Writes <c>result.json</c> into <paramref name="folder"/>.</summary>
    public static void Write(RunResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "result.json"), JsonSerializer.Serialize(result, Json));
    }

    /// <summary>Reads a <c>result.json</c> back.</summary>
    public static RunResult Read(string path) =>
        JsonSerializer.Deserialize<RunResult>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty result");
}
