namespace LoadGen.Engine;

/// <summary>
/// One step of a load simulation, in NBomber's vocabulary. Open-model stages (<see cref="InjectStage"/>,
/// <see cref="RampingInjectStage"/>) start messages at a rate whatever the broker does; closed-model stages
/// (<see cref="KeepConstantStage"/>, <see cref="RampingConstantStage"/>) keep a number of sessions busy.
/// </summary>
/// <param name="During">How long the stage lasts.</param>
public abstract record Stage(TimeSpan During);

/// <summary>Open model: <paramref name="Rate"/> messages per second across the group, for the whole stage.</summary>
public sealed record InjectStage(double Rate, TimeSpan During) : Stage(During);

/// <summary>Open model: the rate moves linearly from the previous stage's rate to <paramref name="Rate"/>.</summary>
public sealed record RampingInjectStage(double Rate, TimeSpan During) : Stage(During);

/// <summary>Closed model: <paramref name="Copies"/> sessions each publish their next message when the last completes.</summary>
public sealed record KeepConstantStage(int Copies, TimeSpan During) : Stage(During);

/// <summary>Closed model: the number of busy sessions moves linearly to <paramref name="Copies"/>.</summary>
public sealed record RampingConstantStage(int Copies, TimeSpan During) : Stage(During);

/// <summary>Nothing is sent.</summary>
public sealed record PauseStage(TimeSpan During) : Stage(During);
