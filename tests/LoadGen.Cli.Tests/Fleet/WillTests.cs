using LoadGen.Cli.Tests.Verdicts;

namespace LoadGen.Cli.Tests.Fleet;

/// <summary>
/// Wills through the CLI: against mosquitto the aborted sessions' wills arrive, after the 5.0 will delay or at once
/// under 3.1.1, and are timed from the abort; against a broker of our own that never publishes wills the run fails on
/// the wills it was owed. What was in flight on the aborted sessions is the generator's doing, never the broker's.
/// </summary>
public class WillTests
{
    private static string Profile => Path.Combine(Repository.Root, "profiles", "device-wills.yaml");

    private static string[] Args(string url, params string[] extra) =>
    [
        "run", Profile, "--broker", url, "--duration", "12s", "--set", "groups.devices.sessions=20",
        "--set", "groups.devices.stages[0].inject.during=6s", "--set", "groups.devices.abort.at=2s", .. extra,
    ];

    [Theory]
    [InlineData("5.0")]
    [InlineData("3.1.1")]
    public async Task AbortedSessionsWillsArriveAndAreTimedFromTheAbort(string protocol)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        VerdictRun run = VerdictRun.Of(Args($"mqtt://127.0.0.1:{broker.Port}",
            "--set", $"groups.devices.protocol={protocol}", "--set", $"groups.monitor.protocol={protocol}",
            "--set", $"groups.devices.will.delay={(protocol == "5.0" ? "2s" : "0s")}"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Counter("aborted"));
        Assert.Equal(2, run.Counter("wills_expected"));
        Assert.Equal(2, run.Counter("wills_received"));
        Assert.Equal(0, run.Counter("wills_missing"));
        Assert.Empty(run.Errors);
        Assert.True(run.Rule("wills").Passed, run.Rule("wills").Text);
        Assert.True(run.Rule("acknowledged").Passed, run.Rule("acknowledged").Text);
        double p50 = run.Result.GetProperty("service").GetProperty("will").GetProperty("p50").GetDouble();
        // The will delay holds the will back (mosquitto checks it about once a second); without one it comes at once.
        Assert.True(protocol == "5.0" ? p50 is >= 2_000_000 and < 4_000_000 : p50 < 1_000_000, $"will p50 {p50} µs");
    }

    [Fact]
    public async Task ABrokerThatNeverPublishesWillsFailsTheWillsRule()
    {
        // Our own broker routes messages but keeps no wills: the run must say it was owed them.
        await using var broker = MisbehavingBroker.Start(new BrokerScript());
        VerdictRun run = VerdictRun.Of(Args(broker.Url, "--set", "groups.devices.will.delay=0s", "--set", "groups.devices.session_expiry=0s"));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(2, run.Counter("aborted"));
        Assert.Equal(2, run.Counter("wills_missing"));
        (bool passed, string text) = run.Rule("wills");
        Assert.False(passed);
        Assert.Contains("2 of 2 wills owed at QoS 1/2 never arrived", text, StringComparison.Ordinal);
        // The telemetry itself was delivered: the failure is the wills' alone.
        Assert.True(run.Rule("acknowledged").Passed, run.Rule("acknowledged").Text);
    }

    [Fact]
    public void AWillDelayUnder311IsRefused()
    {
        (int exit, string output, string error) = LoadgenProcess.Run("run", Profile, "--check", "--set", "groups.devices.protocol=3.1.1");

        Assert.True(exit == 2, output + error);
        Assert.Contains("groups[1].will.delay: a will delay needs protocol \"5.0\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AbortingEveryPublisherIsNeitherABrokerFailureNorACrash()
    {
        // No wills and every session aborted: the run goes its length, the closes are not errors, and what was in
        // flight when the run cut the connections is left out of the acknowledged rule.
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-abort-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, "name: abort-all\nduration: 5s\ngroups:\n  - name: devices\n    role: publisher\n    sessions: 5\n" +
            "    topic: \"a/%i\"\n    qos: 1\n    abort: { sessions: 100%, at: 1s }\n    stages: [ { inject: { rate: 200/s, during: 3s } } ]\n");
        VerdictRun run = VerdictRun.Of("run", profile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(5, run.Counter("aborted"));
        Assert.Null(run.PartialReason);
        Assert.Empty(run.Errors);
        Assert.True(run.Rule("acknowledged").Passed, run.Rule("acknowledged").Text);
    }

    [Theory]
    [InlineData("    role: publisher\n    sessions: 1\n    topic: \"a/%i\"\n    will: { topic: \"status\" }\n", "groups[0].will.topic: must name its session (%i or %c)")]
    [InlineData("    role: publisher\n    sessions: 1\n    topic: \"a/%i\"\n    will: { topic: \"a/%i\" }\n", "groups[0].will.topic: must name its session (%i or %c), as \"devices/%i/status\" does, and differ from the group's topic")]
    [InlineData("    role: subscriber\n    sessions: 1\n    subscriptions: [ { filter: \"a/#\" } ]\n    abort: { sessions: 10%, at: 1s }\n", "groups[0].abort: ends publishers abnormally")]
    [InlineData("    role: publisher\n    sessions: 1\n    topic: a\n    abort: { sessions: 10, at: 1s }\n", "groups[0].abort.sessions: \"10\" is not a share of the group's sessions")]
    public void AMisplacedWillOrAbortIsRefusedNamingTheField(string group, string expected)
    {
        (int exit, string output, string error) = LoadgenProcess.Check("name: will\nduration: 5s\ngroups:\n  - name: g\n" + group);

        Assert.True(exit == 2, output + error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
