using System.Diagnostics;

namespace LoadGen.Cli.Tests;

/// <summary>The <c>loadgen run</c> command as a user meets it: exit codes 0, 1 and 2, messages, files.</summary>
public class RunCommandTests
{
    private static (int ExitCode, string Output, string Error) Loadgen(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loadgen.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "loadgen did not finish within 120 s");
        return (process.ExitCode, output.Result, error.Result);
    }

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
        Assert.True(File.Exists(Path.Combine(folder, "result.json")));
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
        Assert.Contains("mqtt://127.0.0.1:1883", error, StringComparison.Ordinal);
    }
}
