using System.Text.Json;

namespace LoadGen.Cli.Tests.Verdicts;

/// <summary>
/// A shared subscription's members are one consumer: against mosquitto, which gives each message to one member, the
/// audit holds across the group and reports the members' shares, where it used to count each member's missing
/// three quarters as lost.
/// </summary>
public class SharedSubscriptionTests
{
    [Theory]
    [InlineData("5.0")]
    [InlineData("3.1.1")]
    public async Task FourMembersOfOneShareAreAuditedAsOneConsumer(string protocol)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        string profile = Path.Combine(Repository.Root, "profiles", "shared-backend.yaml");
        VerdictRun run = VerdictRun.Of("run", profile, "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--duration", "6s",
            "--set", $"groups.backend.protocol={protocol}", "--set", $"groups.devices.protocol={protocol}", "--set", "groups.devices.stages[0].inject.during=3s",
            "--set", "warmup=1s");

        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement[] audit = [.. run.Result.GetProperty("audit").EnumerateArray()];
        Assert.Equal([1, 2], audit.Select(a => a.GetProperty("qos").GetInt32()));
        foreach (JsonElement level in audit)
        {
            Assert.True(level.GetProperty("passed").GetBoolean(), level.ToString());
            Assert.Equal(0, level.GetProperty("lost").GetInt64());
            // Each message reached exactly one member: the group received what was sent, once.
            Assert.Equal(level.GetProperty("sent").GetInt64(), level.GetProperty("received").GetInt64());
            Assert.Contains("shared subscription $share/backend (group backend, 4 members, one consumer): shares", level.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, run.Counter("duplicates"));
    }

    [Fact]
    public void AGroupMixingSharedAndPlainFiltersIsRefused()
    {
        (int exit, string output, string error) = LoadgenProcess.Check("name: mixed\nduration: 5s\ngroups:\n  - name: backend\n    role: subscriber\n    sessions: 2\n" +
            "    subscriptions: [ { filter: \"$share/b/fleet/#\", qos: 1 }, { filter: \"alerts/#\", qos: 1 } ]\n");

        Assert.True(exit == 2, output + error);
        Assert.Contains("groups[0].subscriptions: every subscription of a group is shared under one name ($share/<name>/<filter>) or none is", error, StringComparison.Ordinal);
    }
}
