namespace LoadGen.Engine;

/// <summary>A load profile as read from YAML: what to run against which broker, for how long, and what must hold.</summary>
public sealed record LoadProfile
{
    /// <summary>The profile's name, used in result folder names.</summary>
    public required string Name { get; init; }

    /// <summary><c>embedded</c> for the in-process broker, or an <c>mqtt://host:port</c> URL.</summary>
    public required string Broker { get; init; }

    /// <summary>The hard limit on the run's length.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The start of the run that is measured but left out of the results.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>The client groups.</summary>
    public required IReadOnlyList<ClientGroup> Groups { get; init; }

    /// <summary>The thresholds that decide the exit code.</summary>
    public IReadOnlyList<SloThreshold> Slos { get; init; } = [];

    /// <summary>The file the profile came from.</summary>
    public string SourceFile { get; init; } = "";

    /// <summary>The profile's YAML as run, with any <c>--set</c> overrides listed after it.</summary>
    public string Text { get; init; } = "";
}
