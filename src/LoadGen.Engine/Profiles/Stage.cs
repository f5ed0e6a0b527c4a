namespace LoadGen.Engine;

/// <summary>How a stage drives its group: what the runner does with it and how a shard scales it.</summary>
public enum StageModel
{
    /// <summary>Messages per second across the group, whatever the broker does (the target is a rate).</summary>
    Open,
    /// <summary>A number of sessions kept busy, each sending its next message when the last completes (the target is copies).</summary>
    Closed,
    /// <summary>Nothing is sent.</summary>
    Pause,
}

/// <summary>
/// One step of a load simulation, in NBomber's vocabulary. Open-model stages (<see cref="InjectStage"/>,
/// <see cref="RampingInjectStage"/>) start messages at a rate whatever the broker does; closed-model stages
/// (<see cref="KeepConstantStage"/>, <see cref="RampingConstantStage"/>) keep a number of sessions busy. A new kind is
/// a record here and one entry in <see cref="StageKinds.All"/>; the runner and the sharding read only
/// <see cref="Model"/>, <see cref="Ramps"/> and <see cref="Target"/>.
/// </summary>
/// <param name="During">How long the stage lasts.</param>
public abstract record Stage(TimeSpan During)
{
    /// <summary>Open, closed or a pause.</summary>
    public abstract StageModel Model { get; }

    /// <summary>True when the target moves linearly from the previous stage's to this one's; false when it holds from the start.</summary>
    public abstract bool Ramps { get; }

    /// <summary>The rate (open model) or the copies (closed model) the stage reaches; 0 for a pause.</summary>
    public abstract double Target { get; }

    /// <summary>The same stage with another target (a shard's share).</summary>
    public abstract Stage WithTarget(double target);
}

/// <summary>Open model: <paramref name="Rate"/> messages per second across the group, for the whole stage.</summary>
public sealed record InjectStage(double Rate, TimeSpan During) : Stage(During)
{
    /// <inheritdoc/>
    public override StageModel Model => StageModel.Open;

    /// <inheritdoc/>
    public override bool Ramps => false;

    /// <inheritdoc/>
    public override double Target => Rate;

    /// <inheritdoc/>
    public override Stage WithTarget(double target) => this with { Rate = target };
}

/// <summary>Open model: the rate moves linearly from the previous stage's rate to <paramref name="Rate"/>.</summary>
public sealed record RampingInjectStage(double Rate, TimeSpan During) : Stage(During)
{
    /// <inheritdoc/>
    public override StageModel Model => StageModel.Open;

    /// <inheritdoc/>
    public override bool Ramps => true;

    /// <inheritdoc/>
    public override double Target => Rate;

    /// <inheritdoc/>
    public override Stage WithTarget(double target) => this with { Rate = target };
}

/// <summary>Closed model: <paramref name="Copies"/> sessions each publish their next message when the last completes.</summary>
public sealed record KeepConstantStage(int Copies, TimeSpan During) : Stage(During)
{
    /// <inheritdoc/>
    public override StageModel Model => StageModel.Closed;

    /// <inheritdoc/>
    public override bool Ramps => false;

    /// <inheritdoc/>
    public override double Target => Copies;

    /// <inheritdoc/>
    public override Stage WithTarget(double target) => this with { Copies = (int)target };
}

/// <summary>Closed model: the number of busy sessions moves linearly to <paramref name="Copies"/>.</summary>
public sealed record RampingConstantStage(int Copies, TimeSpan During) : Stage(During)
{
    /// <inheritdoc/>
    public override StageModel Model => StageModel.Closed;

    /// <inheritdoc/>
    public override bool Ramps => true;

    /// <inheritdoc/>
    public override double Target => Copies;

    /// <inheritdoc/>
    public override Stage WithTarget(double target) => this with { Copies = (int)target };
}

/// <summary>Nothing is sent.</summary>
public sealed record PauseStage(TimeSpan During) : Stage(During)
{
    /// <inheritdoc/>
    public override StageModel Model => StageModel.Pause;

    /// <inheritdoc/>
    public override bool Ramps => false;

    /// <inheritdoc/>
    public override double Target => 0;

    /// <inheritdoc/>
    public override Stage WithTarget(double target) => this;
}

/// <summary>What a stage kind is called in a profile, the setting its target is read from, and how it is built.</summary>
/// <param name="Name">The YAML key, for example <c>ramping_inject</c>.</param>
/// <param name="TargetKey">The setting holding its target (<c>rate</c>, <c>copies</c>), or null for none.</param>
/// <param name="Model">Whether the target is a rate or copies (how it is read and checked).</param>
/// <param name="Build">The stage from its target and duration.</param>
public sealed record StageKind(string Name, string? TargetKey, StageModel Model, Func<double, TimeSpan, Stage> Build);

/// <summary>The stage kinds a profile may use: the one table the profile reader reads.</summary>
public static class StageKinds
{
    /// <summary>Every kind, in the order the documentation lists them.</summary>
    public static IReadOnlyList<StageKind> All { get; } =
    [
        new("inject", "rate", StageModel.Open, (rate, during) => new InjectStage(rate, during)),
        new("ramping_inject", "rate", StageModel.Open, (rate, during) => new RampingInjectStage(rate, during)),
        new("keep_constant", "copies", StageModel.Closed, (copies, during) => new KeepConstantStage((int)copies, during)),
        new("ramping_constant", "copies", StageModel.Closed, (copies, during) => new RampingConstantStage((int)copies, during)),
        new("pause", null, StageModel.Pause, (_, during) => new PauseStage(during)),
    ];

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static StageKind? Named(string? name) => All.FirstOrDefault(k => k.Name == name);
}
