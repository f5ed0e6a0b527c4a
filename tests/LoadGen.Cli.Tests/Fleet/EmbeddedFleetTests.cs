using LoadGen.Cli.Tests.Verdicts;

namespace LoadGen.Cli.Tests.Fleet;

/// <summary>
/// The fleet profiles on the embedded broker (MQTTnet.Server), which keeps retained messages, sends wills and queues
/// for persistent sessions: each runs as a new user would run it with nothing installed, shortened, and passes with
/// its feature's counters showing it happened. (Shared subscriptions it does not support; mosquitto covers them.)
/// </summary>
public class EmbeddedFleetTests
{
    [Theory]
    [InlineData("retained-status.yaml", "retained_cleared", 20, "--duration", "6s", "--set", "groups.devices.sessions=20", "--set", "groups.devices.stages[0].inject.during=2s")]
    [InlineData("device-wills.yaml", "wills_received", 10, "--duration", "12s", "--set", "groups.devices.abort.at=1s", "--set", "groups.devices.stages[0].inject.during=3s")]
    [InlineData("offline-queue.yaml", "went_offline", 2, "--duration", "14s")]
    public void AFleetProfileRunsOnTheEmbeddedBroker(string profile, string counter, long expected, params string[] overrides)
    {
        VerdictRun run = VerdictRun.Of(["run", Path.Combine(Repository.Root, "profiles", profile), "--set", "warmup=0s", .. overrides]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(expected, run.Counter(counter));
        Assert.Equal(0, run.Counter("lost"));
    }
}
