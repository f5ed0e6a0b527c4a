using LoadGen.Cli.Tests.Verdicts;

namespace LoadGen.Cli.Tests.Fleet;

/// <summary>
/// Retained messages against mosquitto, which keeps them between runs: one run leaves a retained status per device,
/// the next run's subscriber is handed those at subscription (counted apart, not audited as duplicates) and clears
/// them at its end, and a third run finds nothing retained.
/// </summary>
public class RetainedMessageTests
{
    [Theory]
    [InlineData("3.1.1")]
    [InlineData("5.0")]
    public async Task ARunLeavesRetainedStatusTheNextIsHandedItAndClearsIt(string protocol)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        string profile = Path.Combine(Repository.Root, "profiles", "retained-status.yaml");
        string[] Args(bool clear) =>
        [
            "run", profile, "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--duration", "8s", "--set", "warmup=0s",
            "--set", "groups.devices.sessions=20", "--set", "groups.devices.stages[0].inject.during=2s",
            "--set", $"groups.devices.protocol={protocol}", "--set", $"groups.dashboard.protocol={protocol}",
            "--set", $"groups.devices.clear_retained={(clear ? "true" : "false")}",
        ];

        VerdictRun first = VerdictRun.Of(Args(clear: false));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(first.Counter("sent"), first.Counter("retained_sent"));
        // The dashboard subscribed before anything was retained: every delivery was live, and audited.
        Assert.Equal(0, first.Counter("retained_received"));
        Assert.Equal(first.Counter("sent"), first.Counter("received"));

        VerdictRun second = VerdictRun.Of(Args(clear: true));
        Assert.True(second.ExitCode == 0, second.ToString());
        // One retained status per device topic, the first run's last, handed over at subscription.
        Assert.Equal(20, second.Counter("retained_received"));
        Assert.Equal(0, second.Counter("duplicates"));
        Assert.Equal(0, second.Counter("out_of_order"));
        Assert.Equal(20, second.Counter("retained_cleared"));

        VerdictRun third = VerdictRun.Of(Args(clear: false));
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Equal(0, third.Counter("retained_received"));
    }

    [Theory]
    [InlineData("    role: subscriber\n    sessions: 1\n    retain: true\n    subscriptions: [ { filter: \"a/#\" } ]\n", "groups[0].retain: only a publisher group retains")]
    [InlineData("    role: publisher\n    sessions: 1\n    topic: a\n    clear_retained: true\n", "groups[0].clear_retained: clears what the group retained, and it retains nothing")]
    [InlineData("    role: publisher\n    sessions: 1\n    topic: a\n    retain: 2\n", "groups[0].retain: \"2\" is not a number from 0 to 1")]
    public void AMisplacedRetainFieldIsRefusedNamingTheField(string group, string expected)
    {
        (int exit, string output, string error) = LoadgenProcess.Check("name: retain\nduration: 5s\ngroups:\n  - name: g\n" + group);

        Assert.True(exit == 2, output + error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
