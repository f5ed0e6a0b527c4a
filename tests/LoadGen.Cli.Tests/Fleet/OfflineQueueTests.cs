using LoadGen.Cli.Tests.Verdicts;

namespace LoadGen.Cli.Tests.Fleet;

/// <summary>
/// Offline queues through the CLI against mosquitto: half the persistent subscribers go away and come back, the broker
/// hands them what it queued, and the audit holds it to every QoS 1 message; a profile that asks the broker to queue
/// for a clean session is refused.
/// </summary>
public class OfflineQueueTests
{
    private static string Profile => Path.Combine(Repository.Root, "profiles", "offline-queue.yaml");

    [Theory]
    [InlineData("5.0")]
    [InlineData("3.1.1")]
    public async Task SubscribersComeBackToWhatTheBrokerQueuedAndNothingIsLost(string protocol)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        VerdictRun run = VerdictRun.Of("run", Profile, "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--duration", "14s",
            "--set", "groups.devices.stages[0].inject.during=10s", "--set", "groups.backend.offline.at=2s", "--set", "groups.backend.offline.for=3s",
            "--set", $"groups.devices.protocol={protocol}", "--set", $"groups.backend.protocol={protocol}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Counter("went_offline"));
        Assert.Equal(2, run.Counter("reconnects"));
        // 100 msg/s for the 3 s away, for each of the two: the broker kept them all.
        Assert.InRange(run.Counter("queued_received"), 2 * 250, 2 * 350);
        Assert.Equal(0, run.Counter("lost"));
        Assert.Equal(0, run.Counter("duplicates"));
        Assert.Equal(4 * run.Counter("sent"), run.Counter("received"));
        Assert.Equal(2, run.Result.GetProperty("service").GetProperty("drain").GetProperty("count").GetInt64());
    }

    [Fact]
    public void OfflineWithACleanSessionIsRefused()
    {
        (int exit, string output, string error) = LoadgenProcess.Run("run", Profile, "--check", "--set", "groups.backend.clean_start=true");

        Assert.True(exit == 2, output + error);
        Assert.Contains("groups[0].offline: needs clean_start: false", error, StringComparison.Ordinal);
    }
}
