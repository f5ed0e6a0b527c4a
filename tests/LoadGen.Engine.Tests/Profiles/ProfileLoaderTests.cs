using LoadGen.Protocol;

namespace LoadGen.Engine.Tests.Profiles;

public class ProfileLoaderTests
{
    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LoadGen.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("LoadGen.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static TheoryData<string> ShippedProfiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(RepoRoot, "profiles"), "*.yaml"))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedProfiles))]
    public void EveryShippedProfileLoads(string file)
    {
        LoadProfile profile = ProfileLoader.Load(Path.Combine(RepoRoot, "profiles", file));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), profile.Name);
        Assert.NotEmpty(profile.Groups);
    }

    [Fact]
    public void TheQuickstartProfileReadsAsWritten()
    {
        LoadProfile p = ProfileLoader.Load(Path.Combine(RepoRoot, "profiles", "quickstart.yaml"));
        Assert.Equal(("embedded", TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(5)), (p.Broker, p.Duration, p.Warmup));
        ClientGroup devices = p.Groups[0];
        Assert.Equal((GroupRole.Publisher, 2000, 1000.0, MqttProtocolVersion.V311), (devices.Role, devices.Sessions, devices.ConnectRate, devices.ProtocolVersion));
        Assert.Equal(new QosMix(60, 30, 10), devices.Qos);
        Assert.Equal(new PayloadSize(64, 256), devices.Payload);
        Assert.Equal("devices/17/telemetry", devices.Topic!.Expand(17, "device-17", new Random(1)));
        Assert.Equal([new RampingInjectStage(2000, TimeSpan.FromSeconds(10)), new InjectStage(2000, TimeSpan.FromSeconds(30))], devices.Stages);
        Assert.Equal(("devices/#", MqttQualityOfService.AtLeastOnce), (p.Groups[1].Subscriptions[0].Filter.Text, p.Groups[1].Subscriptions[0].QoS));
        SloThreshold p99 = p.Slos[0];
        Assert.Equal(("p99", "qos1", "<", 50_000.0), (p99.Metric, p99.Histogram, p99.Operator, p99.Value));
        Assert.Equal(("error_rate", 0.001), (p.Slos[1].Metric, p.Slos[1].Value));
        Assert.True(p.Slos[2].Holds(1500) && !p.Slos[2].Holds(1499));
    }

    [Fact]
    public void QosWeightsSplitDrawsInProportion()
    {
        var mix = new QosMix(60, 30, 10);
        var random = new Random(3);
        int[] counts = new int[3];
        for (int i = 0; i < 100_000; i++)
        {
            counts[(int)mix.Pick(random.NextDouble())]++;
        }

        Assert.InRange(counts[0], 59_000, 61_000);
        Assert.InRange(counts[1], 29_000, 31_000);
        Assert.InRange(counts[2], 9_400, 10_600);
    }

    private static ProfileError SingleError(string yaml)
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse(yaml, "bad.yaml"));
        return Assert.Single(ex.Errors);
    }

    private const string Valid = """
        name: t
        duration: 10s
        groups:
          - name: g
            role: publisher
            sessions: 10
            topic: "t/%i"
        """;

    [Fact]
    public void AnUnknownFieldIsNamedWithItsLineAndTheAllowedFields()
    {
        ProfileError e = SingleError(Valid + "\n    qos_level: 1");
        Assert.Equal(("bad.yaml", 8, "groups[0].qos_level"), (e.File, e.Line, e.Field));
        Assert.Contains("allowed: name, role, sessions", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad.yaml:8:5: groups[0].qos_level: unknown field", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongRoleListsTheAllowedRoles()
    {
        ProfileError e = SingleError(Valid.Replace("role: publisher", "role: pub", StringComparison.Ordinal));
        Assert.Equal(("groups[0].role", 5), (e.Field, e.Line));
        Assert.Contains("allowed: publisher, subscriber", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("duration: 10s", "duration: ten", "duration", "is not a duration")]
    [InlineData("sessions: 10", "sessions: 0", "groups[0].sessions", "a whole number from 1 to 1000000")]
    [InlineData("topic: \"t/%i\"", "topic: \"t/%x\"", "groups[0].topic", "allowed: %i, %c, %rand_N, %%")]
    [InlineData("topic: \"t/%i\"", "topic: \"t/%i\"\n    qos: 3", "groups[0].qos", "from 0 to 2")]
    [InlineData("topic: \"t/%i\"", "topic: \"t/%i\"\n    payload: 300-200", "groups[0].payload", "a range such as 64-256")]
    [InlineData("topic: \"t/%i\"", "topic: \"t/%i\"\n    stages: [ { inject: { rate: 0, during: 1s } } ]", "groups[0].stages[0].inject.rate", "positive rate")]
    [InlineData("topic: \"t/%i\"", "topic: \"t/%i\"\n    stages: [ { surge: { during: 1s } } ]", "groups[0].stages[0]", "allowed: inject, ramping_inject, keep_constant, ramping_constant, pause")]
    [InlineData("name: t", "name: t\nbroker: tcp://x", "broker", "the scheme tcp is not one LoadGen speaks; allowed: mqtt://host:port, mqtts://host:port (TLS)")]
    [InlineData("name: t", "name: t\nslo: [\"p42(qos1) < 1ms\"]", "slo[0]", "p50|p90|p99")]
    public void EachBadValueIsReportedWithItsFieldAndWhatIsAllowed(string find, string replace, string field, string allowed)
    {
        ProfileError e = SingleError(Valid.Replace(find, replace, StringComparison.Ordinal));
        Assert.Equal(field, e.Field);
        Assert.Contains(allowed, e.Message, StringComparison.Ordinal);
        Assert.True(e.Line > 0);
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Parse("name: t\nduration: soon\ngroups:\n  - name: g\n    role: x\n    sessions: -1\n", "bad.yaml"));
        Assert.Equal(["duration", "groups[0].role", "groups[0].sessions", "groups[0].topic"], ex.Errors.Select(e => e.Field));
    }

    [Fact]
    public void BrokenYamlIsReportedWithItsPosition()
    {
        ProfileError e = SingleError("name: t\ngroups: [\n");
        Assert.Equal("(yaml)", e.Field);
        Assert.True(e.Line >= 2);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var ex = Assert.Throws<ProfileException>(() => ProfileLoader.Load("/nonexistent/profile.yaml"));
        Assert.Contains("/nonexistent/profile.yaml", ex.Message, StringComparison.Ordinal);
    }
}
