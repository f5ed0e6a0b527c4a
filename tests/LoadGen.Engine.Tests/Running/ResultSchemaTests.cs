using System.Reflection;
using System.Text.Json;

namespace LoadGen.Engine.Tests.Running;

/// <summary>docs/result-schema.md documents every field result.json has.</summary>
public class ResultSchemaTests
{
    [Fact]
    public void EveryFieldOfResultJsonIsDocumented()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "result-schema.md"));
        Type[] types = [typeof(RunResult), typeof(LatencySummary), typeof(SloOutcome), typeof(LatencyDistribution), typeof(GeneratorCost),
            typeof(HostInfo), typeof(MemoryFootprint), typeof(QosAudit), typeof(TimelinePoint), typeof(IntervalLatency),
            typeof(LoadGen.Engine.LoopMeasurement), typeof(LoadGen.Engine.LoopStudyResult), typeof(CapacityResult), typeof(CapacityStep), typeof(StepLatency)];
        var missing = new List<string>();
        foreach (Type type in types)
        {
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                string name = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
                if (!doc.Contains($"`{name}`", StringComparison.Ordinal) && !doc.Contains($"`{name},", StringComparison.Ordinal) &&
                    !doc.Contains($" {name},", StringComparison.Ordinal) && !doc.Contains($", {name}`", StringComparison.Ordinal) &&
                    !doc.Contains($"{name}`", StringComparison.Ordinal))
                {
                    missing.Add($"{type.Name}.{property.Name} ({name})");
                }
            }
        }

        Assert.Empty(missing);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "LoadGen.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("LoadGen.sln not found above " + AppContext.BaseDirectory);
    }
}
