namespace LoadGen.Engine.Tests.Capacity;

/// <summary>A profile scaled to a capacity step's rate: proportions kept, subscribers untouched, closed models refused.</summary>
public class CapacityProfileTests
{
    private const string Yaml = """
        name: fleet
        duration: 60s
        groups:
          - name: meters
            role: publisher
            sessions: 30
            topic: "m/%i"
            stages: [ { ramping_inject: { rate: 300/s, during: 10s } }, { inject: { rate: 300/s, during: 40s } } ]
          - name: cars
            role: publisher
            sessions: 10
            topic: "c/%i"
            stages: [ { inject: { rate: 100/s, during: 50s } } ]
          - name: idle
            role: publisher
            sessions: 5
            topic: "i/%i"
            stages: [ { pause: { during: 50s } } ]
          - name: dashboard
            role: subscriber
            sessions: 1
            subscriptions: [ { filter: "#", qos: 1 } ]
        """;

    [Fact]
    public void EveryPublisherGroupIsScaledByItsHighestRateAndTheRestIsLeftAlone()
    {
        LoadProfile profile = ProfileLoader.Parse(Yaml, "fleet.yaml");
        Assert.Null(CapacityProfile.Problem(profile));

        LoadProfile step = CapacityProfile.At(profile, 2000, TimeSpan.FromSeconds(5));

        InjectStage meters = Assert.IsType<InjectStage>(Assert.Single(step.Groups.Single(g => g.Name == "meters").Stages));
        InjectStage cars = Assert.IsType<InjectStage>(Assert.Single(step.Groups.Single(g => g.Name == "cars").Stages));
        Assert.Equal(1500, meters.Rate, 6);
        Assert.Equal(500, cars.Rate, 6);
        // The warm-up runs at the step's rate too, and stays out of the measurement.
        Assert.Equal(CapacityProfile.DefaultWarmup, step.Warmup);
        Assert.Equal(TimeSpan.FromSeconds(6), meters.During);
        Assert.IsType<PauseStage>(Assert.Single(step.Groups.Single(g => g.Name == "idle").Stages));
        Assert.Equal(profile.Groups.Single(g => g.Name == "dashboard"), step.Groups.Single(g => g.Name == "dashboard"));
        Assert.True(step.Duration > TimeSpan.FromSeconds(6), "the run lasts long enough to connect, warm up, measure and drain");
    }

    [Fact]
    public void AClosedModelPublisherHasNoRateToScaleAndIsNamed()
    {
        LoadProfile profile = ProfileLoader.Parse(Yaml.Replace("{ inject: { rate: 100/s, during: 50s } }", "{ keep_constant: { copies: 10, during: 50s } }", StringComparison.Ordinal), "fleet.yaml");

        Assert.Equal("fleet.yaml: groups.cars.stages: capacity scales open-model rates (inject, ramping_inject); a closed-model stage (keep_constant, ramping_constant) has no rate to scale",
            CapacityProfile.Problem(profile));
    }

    [Fact]
    public void TheDefaultStepDurationKeepsASearchWithinThreeMinutesWhereTheStepsAllowIt()
    {
        LoadProfile profile = ProfileLoader.Parse(Yaml, "fleet.yaml");
        var options = new CapacityOptions();

        // 100 to 1,000,000 msg/s by doubling (15 ramp steps), bisected to 5 % (5 more), one confirmation of two steps;
        // each step also connects 46 sessions, warms up for 1 s and drains.
        Assert.Equal(15, options.RampSteps);
        Assert.Equal(5, options.BisectSteps);
        Assert.InRange(options.StepFor(profile), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
        Assert.True(options.EstimatedSearch(profile) <= CapacityOptions.Budget, $"{options.EstimatedSearch(profile)} at {options.StepFor(profile)} per step");
        Assert.Equal(TimeSpan.FromSeconds(10), new CapacityOptions { Start = 1000, Max = 4000 }.StepFor(profile));

        // Ten thousand sessions at 100/s take 100 s to connect for every step: the shortest steps, and an honest estimate.
        LoadProfile slow = profile with { Groups = [.. profile.Groups.Select(g => g with { Sessions = 10_000, ConnectRate = 400 })] };
        Assert.Equal(TimeSpan.FromSeconds(2), options.StepFor(slow));
        Assert.True(options.EstimatedSearch(slow) > CapacityOptions.Budget);
        Assert.Equal(TimeSpan.FromSeconds(7), new CapacityOptions { StepDuration = TimeSpan.FromSeconds(7) }.StepFor(slow));
    }

    [Theory]
    [InlineData(0.6, "--precision: 60 % is out of range; allowed: 0.5 % to below 50 %")]
    [InlineData(0.001, "--precision: 0.1 % is out of range; allowed: 0.5 % to below 50 %")]
    public void APrecisionTheStepsCannotResolveIsRefused(double precision, string problem) =>
        Assert.Equal(problem, new CapacityOptions { Precision = precision }.Problem());
}
