using System.Text;
using System.Text.Json;

namespace LoadGen.Cli.Tests;

/// <summary>
/// Credentials from the profile, the environment and a file reach a mosquitto that requires them, and appear nowhere
/// in what the run leaves: not in its output, its logs, result.json, the summary, the report or the charts, and not in
/// a worker run's shard folders either.
/// </summary>
public class CredentialsTests
{
    private const string User = "lg-user-Wq7Zt";
    private const string Secret = "pw-K3y9xV-mNb4";
    private const string Variable = "LOADGEN_TEST_MQTT_PASSWORD";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task CredentialsAreUsedAndNeverWrittenAnywhere(int workers)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(new Dictionary<string, string> { [User] = Secret });
        string dir = Path.Combine(Path.GetTempPath(), $"loadgen-creds-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string secretFile = Path.Combine(dir, "mqtt-password");
        File.WriteAllText(secretFile, Secret + "\n");
        string profile = Path.Combine(dir, "creds.yaml");
        File.WriteAllText(profile, $$"""
            name: creds
            duration: 5s
            groups:
              - name: fromenv
                role: publisher
                sessions: 2
                username: "{{User}}"
                password: { env: {{Variable}} }
                topic: "creds/env/%i"
                qos: 1
                stages: [ { inject: { rate: 20/s, during: 1s } } ]
              - name: fromfile
                role: publisher
                sessions: 2
                username: {{User}}
                password: { file: {{secretFile}} }
                topic: "creds/file/%i"
                qos: 1
                stages: [ { inject: { rate: 20/s, during: 1s } } ]
              - { name: inline, role: publisher, sessions: 2, username: {{User}}, password: "{{Secret}}", topic: "creds/inline/%i", qos: 1, stages: [ { inject: { rate: 20/s, during: 1s } } ] }
            """);
        Environment.SetEnvironmentVariable(Variable, Secret);
        string output = Path.Combine(dir, "out");
        (int exit, string stdout, string error) = LoadgenProcess.Run("run", profile, "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--out", output,
            "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--set", $"groups.inline.password={Secret}");

        Assert.True(exit == 0, stdout + error);
        string run = Assert.Single(Directory.GetDirectories(output));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))))
        {
            // Every session was let in: mosquitto refuses a CONNECT without the right user and password.
            Assert.Equal(6, json.RootElement.GetProperty("counters").GetProperty("sessions_connected").GetInt64());
            Assert.Equal(60, json.RootElement.GetProperty("counters").GetProperty("acknowledged").GetInt64());
            Assert.Contains(LoadGen.Engine.Credentials.Mask, json.RootElement.GetProperty("profile_text").GetString(), StringComparison.Ordinal);
        }

        string[] files = Directory.GetFiles(run, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("report.html", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".png", StringComparison.Ordinal));
        foreach (string secret in new[] { Secret, User })
        {
            Assert.DoesNotContain(secret, stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, error, StringComparison.Ordinal);
            byte[] needle = Encoding.UTF8.GetBytes(secret);
            foreach (string file in files)
            {
                Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(needle) < 0, $"{file} holds a credential");
            }
        }

        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void AMissingPasswordVariableNamesTheFieldAndNotAValue()
    {
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-creds-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, """
            name: nopw
            duration: 2s
            groups:
              - { name: g, role: publisher, sessions: 1, topic: t, username: u, password: { env: LOADGEN_TEST_NOT_SET_ANYWHERE } }
            """);
        (int exit, _, string error) = LoadgenProcess.Run("run", profile);
        File.Delete(profile);

        Assert.Equal(2, exit);
        Assert.Contains("groups[0].password.env", error, StringComparison.Ordinal);
        Assert.Contains("LOADGEN_TEST_NOT_SET_ANYWHERE is not set", error, StringComparison.Ordinal);
    }
}
