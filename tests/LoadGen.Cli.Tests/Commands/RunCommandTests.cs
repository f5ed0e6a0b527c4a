using System.Diagnostics;

namespace LoadGen.Cli.Tests;

/// <summary>The <c>loadgen run</c> command as a user meets it: exit codes 0, 1 and 2, messages, files.</summary>
public class RunCommandTests
{
    private static (int ExitCode, string Output, string Error) Loadgen(params string[] args) => LoadgenProcess.Run(args);

    private static string WriteProfile(string slo)
    {
        string path = Path.Combine(Path.GetTempPath(), $"loadgen-cli-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $$"""
            name: cli
            duration: 4s
            groups:
              - name: pubs
                role: publisher
                sessions: 5
                topic: "cli/%i"
                qos: 1
                stages: [ { inject: { rate: 100/s, during: 1s } } ]
            slo: [ "{{slo}}" ]
            """);
        return path;
    }

    [Fact]
    public void ABadProfileExitsWith2AndNamesTheFileLineAndFieldWithoutAStackTrace()
    {
        string path = WriteProfile("p99(qos1) < 1s").Replace(".yaml", "-bad.yaml", StringComparison.Ordinal);
        File.WriteAllText(path, "name: bad\nduration: 5s\ngroups:\n  - name: g\n    role: publisher\n    sessions: 1\n    topic: t\n    qos: 7\n");
        (int exit, _, string error) = Loadgen("run", path);
        Assert.Equal(2, exit);
        Assert.Contains($"{path}:8:10: groups[0].qos:", error, StringComparison.Ordinal);
        Assert.Contains("from 0 to 2", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunWhoseSlosHoldExitsWith0AndWritesResultFiles()
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        (int exit, string stdout, string error) = Loadgen("run", WriteProfile("error_rate < 1%"), "--out", output);
        Assert.True(exit == 0, stdout + error);
        string folder = Assert.Single(Directory.GetDirectories(output));
        foreach (string file in new[] { "result.json", "summary.md", "timeseries.csv", "latency.hlog" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"no {file}");
        }

        Assert.Contains("# cli: PASS", File.ReadAllText(Path.Combine(folder, "summary.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void ARunThatBreaksAnSloExitsWith1()
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        (int exit, string stdout, _) = Loadgen("run", WriteProfile("throughput >= 1000000"), "--out", output);
        Assert.Equal(1, exit);
        Assert.Contains("FAIL", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadOptionExitsWith2()
    {
        (int exit, _, string error) = Loadgen("run", WriteProfile("error_rate < 1%"), "--broker", "tcp://nowhere");
        Assert.Equal(2, exit);
        Assert.Contains("--broker: \"tcp://nowhere\": the scheme tcp is not one LoadGen speaks; allowed: mqtt://host:port", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SetOverridesAProfileFieldAndTheResultKeepsTheTextAsRun()
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        (int exit, string stdout, string error) = Loadgen("run", WriteProfile("error_rate < 1%"), "--out", output,
            "--set", "groups.pubs.sessions=3", "--set", "groups[0].stages[0].inject.rate=50/s");
        Assert.True(exit == 0, stdout + error);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Assert.Single(Directory.GetDirectories(output)), "result.json")));
        Assert.Equal(3, json.RootElement.GetProperty("sessions_planned").GetInt32());
        Assert.Equal(50, json.RootElement.GetProperty("counters").GetProperty("sent").GetInt64());
        Assert.Contains("# --set groups.pubs.sessions=3", json.RootElement.GetProperty("profile_text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ABadSetNamesTheKeyAndWhatIsAllowed()
    {
        (int exit, _, string error) = Loadgen("run", WriteProfile("error_rate < 1%"), "--set", "groups.nosuch.sessions=3");
        Assert.Equal(2, exit);
        Assert.Contains("--set: groups.nosuch.sessions: groups has no item \"nosuch\"; allowed: an index 0 to 0 or a name (pubs)", error, StringComparison.Ordinal);

        (exit, _, error) = Loadgen("run", WriteProfile("error_rate < 1%"), "--set", "groups.pubs.sessions=many");
        Assert.Equal(2, exit);
        Assert.Contains("groups[0].sessions", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }
}
