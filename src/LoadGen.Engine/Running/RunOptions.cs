namespace LoadGen.Engine;

/// <summary>Command-line choices that override or complete a profile.</summary>
public sealed record RunOptions
{
    /// <summary>Overrides the profile's broker (<c>mqtt://host:port</c>).</summary>
    public string? Broker { get; init; }

    /// <summary>Overrides the profile's duration.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Where the results folder goes.</summary>
    public string OutputRoot { get; init; } = "results/runs";

    /// <summary>A line of progress each second.</summary>
    public Action<string>? Progress { get; init; }
}
