namespace LoadGen.Engine;

/// <summary>
/// A profile as one step of a capacity search runs it: every publisher group's open-model rate scaled together to a
/// total, their proportions kept (each group weighs its highest inject rate), one inject stage each; subscriber groups
/// as they are.
/// </summary>
public static class CapacityProfile
{
    /// <summary>The warm-up of a step when the profile has none: JIT and the first connects' bursts stay out of the step.</summary>
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(1);

    /// <summary>Why <paramref name="profile"/> cannot be searched, or null when it can.</summary>
    public static string? Problem(LoadProfile profile)
    {
        if (profile.Groups.FirstOrDefault(g => g.Role == GroupRole.Publisher && g.Stages.Any(s => s.Model == StageModel.Closed)) is { } closed)
        {
            return $"{profile.SourceFile}: groups.{closed.Name}.stages: capacity scales open-model rates (inject, ramping_inject); " +
                "a closed-model stage (keep_constant, ramping_constant) has no rate to scale";
        }

        ClientGroup[] publishers = Publishers(profile);
        if (publishers.Length == 0)
        {
            return $"{profile.SourceFile}: capacity searches a publish rate, and no group publishes at one: give a publisher group an inject or ramping_inject stage";
        }

        return null;
    }

    /// <summary>
    /// <paramref name="profile"/> offering <paramref name="rate"/> msg/s in all for <paramref name="during"/> measured, after
    /// its warm-up (<see cref="DefaultWarmup"/> when it has none); the run lasts long enough to connect and drain too.
    /// </summary>
    public static LoadProfile At(LoadProfile profile, double rate, TimeSpan during)
    {
        TimeSpan warmup = profile.Warmup > TimeSpan.Zero ? profile.Warmup : DefaultWarmup;
        double total = Publishers(profile).Sum(Weight);
        var groups = profile.Groups.Select(g => g.Role == GroupRole.Publisher && Weight(g) > 0
            ? g with { Stages = [new InjectStage(rate * Weight(g) / total, warmup + during)] }
            : g).ToList();

        // Subscribers connect first, then publishers, each group at its connect rate; a connect may take its timeout.
        TimeSpan connects = TimeSpan.FromSeconds(profile.Groups.Sum(g => g.Sessions / Math.Max(1, g.ConnectRate)) * 1.5)
            + profile.Groups.Select(g => g.ConnectTimeout).DefaultIfEmpty(TimeSpan.Zero).Max();
        return profile with { Groups = groups, Warmup = warmup, Duration = connects + warmup + during + TimeSpan.FromSeconds(6) };
    }

    private static ClientGroup[] Publishers(LoadProfile profile) =>
        profile.Groups.Where(g => g.Role == GroupRole.Publisher && Weight(g) > 0).ToArray();

    private static double Weight(ClientGroup group) =>
        group.Stages.Where(s => s.Model == StageModel.Open).Select(s => s.Target).DefaultIfEmpty(0).Max();
}
