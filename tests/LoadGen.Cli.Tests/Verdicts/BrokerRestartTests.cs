using System.Text.Json;

namespace LoadGen.Cli.Tests.Verdicts;

/// <summary>
/// A broker restarted mid-run, against a real mosquitto, through the CLI: without persistence it comes back with
/// session present 0 and has kept nothing, legitimately, so nothing is blamed on it; with persistence and clean_start
/// off it comes back with the sessions, unacknowledged messages are resent with DUP, and nothing is lost.
/// </summary>
public class BrokerRestartTests
{
    private const string Profile = """
        name: restart
        duration: 9s
        groups:
          - name: sub
            role: subscriber
            sessions: 1
            clean_start: false
            reconnect_delay: 200ms
            subscriptions: [ { filter: "restart/#", qos: 1 } ]
          - name: pubs
            role: publisher
            sessions: 4
            clean_start: false
            reconnect_delay: 200ms
            topic: "restart/%i"
            qos: 1
            inflight: 64
            stages: [ { inject: { rate: 2000/s, during: 5s } } ]
        """;

    private static async Task<(int Exit, string Output, JsonElement Result)> RunWithRestartAsync(bool persistence)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(persistence: persistence);
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-restart-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, Profile);
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-restart-out-{Guid.NewGuid():N}");
        using System.Diagnostics.Process loadgen = LoadgenProcess.Start("run", profile, "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--out", output, "--name", "run");

        // Mid-stage: a couple of measured intervals written, then the broker goes and comes back.
        await LoadgenProcess.WaitForIntervalsAsync(output, 2_000);
        await broker.RestartAsync(graceful: persistence, TimeSpan.FromMilliseconds(300));
        (int exit, string stdout, string error) = LoadgenProcess.Finish(loadgen);

        string folder = Path.Combine(output, "run");
        foreach (string file in new[] { "result.json", "summary.md", "timeseries.csv", "latency.hlog" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"no {file}\n{stdout}\n{error}");
        }

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json")));
        return (exit, stdout + error, json.RootElement.Clone());
    }

    private static long Counter(JsonElement result, string name) => result.GetProperty("counters").GetProperty(name).GetInt64();

    private static JsonElement Rule(JsonElement result, string name) =>
        result.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == name);

    [Fact]
    public async Task ABrokerRestartedWithoutPersistenceKeptNothingAndIsNotBlamedForIt()
    {
        (int exit, string output, JsonElement result) = await RunWithRestartAsync(persistence: false);

        // The restart itself is an error the default rules count (connections lost); the broker's promise is not.
        Assert.True(exit == 1, output);
        Assert.Contains("FAIL errors: ", output, StringComparison.Ordinal);
        Assert.Contains("connection lost", Rule(result, "errors").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(Counter(result, "reconnects") >= 5, output);
        Assert.Equal(0, Counter(result, "refused"));
        Assert.DoesNotContain(result.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("publish refused", StringComparison.Ordinal));

        JsonElement audit = result.GetProperty("audit")[0];
        Assert.False(audit.GetProperty("promised").GetBoolean(), audit.ToString());
        Assert.True(audit.GetProperty("passed").GetBoolean(), audit.ToString());
        Assert.DoesNotContain("BROKEN", output, StringComparison.Ordinal);

        // What was in flight when the broker went is accounted for as dropped with the session, not as refused.
        Assert.Equal(Counter(result, "sent_qos1") - Counter(result, "acknowledged_qos1"),
            Counter(result, "dropped_with_session") + Counter(result, "inflight_at_end") + Counter(result, "timed_out"));

        // The outage held the schedule up; that is the broker's doing, never reported as the generator falling behind.
        Assert.True(Rule(result, "generator").GetProperty("passed").GetBoolean(), Rule(result, "generator").ToString());
    }

    [Fact]
    public async Task ABrokerRestartedWithPersistenceResumesTheSessionsAndLosesNothing()
    {
        (int exit, string output, JsonElement result) = await RunWithRestartAsync(persistence: true);

        Assert.True(exit == 1, output);
        Assert.True(Counter(result, "reconnects") >= 5, output);
        Assert.Equal(0, Counter(result, "dropped_with_session"));
        JsonElement audit = result.GetProperty("audit")[0];
        Assert.True(audit.GetProperty("promised").GetBoolean(), audit.ToString());
        Assert.True((audit.GetProperty("passed").GetBoolean(), audit.GetProperty("lost").GetInt64()) == (true, 0L), output);
        Assert.Equal(Counter(result, "sent_qos1"), Counter(result, "acknowledged_qos1"));
        Assert.True(Rule(result, "acknowledged").GetProperty("passed").GetBoolean(), Rule(result, "acknowledged").ToString());
        Assert.True(Rule(result, "generator").GetProperty("passed").GetBoolean(), Rule(result, "generator").ToString());
    }
}
