namespace LoadGen.Engine.Tests.Profiles;

/// <summary>
/// Stage kinds come from one table: every entry reads from YAML with its own keys, and a stage the runner or the
/// sharding does not know is refused out loud rather than skipped or passed through unscaled.
/// </summary>
public class StageKindsTests
{
    private const string Profile = """
        name: stages
        duration: 2s
        groups:
          - name: pubs
            role: publisher
            sessions: 4
            topic: "stages/%i"
            stages:
              - STAGE
        """;

    // A kind added to Stage but given no handling anywhere.
    private sealed record UnknownStage(TimeSpan During) : Stage(During)
    {
        public override StageModel Model => (StageModel)99;

        public override bool Ramps => false;

        public override double Target => 1;

        public override Stage WithTarget(double target) => this;
    }

    [Fact]
    public void EveryKindInTheTableReadsFromYamlIntoItsStage()
    {
        foreach (StageKind kind in StageKinds.All)
        {
            string settings = kind.TargetKey is { } key ? $"{{ {key}: 3, during: 1s }}" : "{ during: 1s }";
            LoadProfile profile = ProfileLoader.Parse(Profile.Replace("STAGE", $"{kind.Name}: {settings}", StringComparison.Ordinal), "stages.yaml");

            Stage stage = Assert.Single(profile.Groups[0].Stages);
            Assert.Equal(kind.Build(kind.TargetKey is null ? 0 : 3, TimeSpan.FromSeconds(1)), stage);
            Assert.Equal(kind.Model, stage.Model);
        }
    }

    [Fact]
    public void AnUnknownKindIsRefusedWithTheKindsTheTableHas()
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(Profile.Replace("STAGE", "soak: { during: 1s }", StringComparison.Ordinal), "stages.yaml"));

        Assert.Contains("inject, ramping_inject, keep_constant, ramping_constant, pause", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardingRefusesAStageItCannotScale()
    {
        LoadProfile profile = ProfileLoader.Parse(Profile.Replace("STAGE", "pause: { during: 1s }", StringComparison.Ordinal), "stages.yaml");
        profile = profile with { Groups = [profile.Groups[0] with { Stages = [new UnknownStage(TimeSpan.FromSeconds(1))] }] };

        var ex = Assert.Throws<NotSupportedException>(() => ProfileSharding.Apply(profile, new Shard(0, 2)));
        Assert.Contains("UnknownStage", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRunnerEndsARunWithAStageItCannotRunAsAnEngineFailure()
    {
        LoadProfile profile = ProfileLoader.Parse(Profile.Replace("STAGE", "pause: { during: 1s }", StringComparison.Ordinal), "stages.yaml");
        profile = profile with { Groups = [profile.Groups[0] with { Stages = [new UnknownStage(TimeSpan.FromSeconds(1))] }] };

        RunResult result = await LoadRunner.RunAsync(profile, new RunOptions(), CancellationToken.None);

        Assert.True(result.Partial);
        Assert.Contains("does not know how to run a UnknownStage", result.PartialReason, StringComparison.Ordinal);
        Assert.False(result.Passed);
    }
}
