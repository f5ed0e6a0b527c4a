using Xunit.Abstractions;

namespace LoadGen.Engine.Tests.Running;

/// <summary>
/// A broker restarted mid-run, against a real mosquitto: without persistence it comes back with session present 0
/// and has kept nothing, legitimately, so nothing is blamed on it; with persistence and clean_start off it comes back
/// with the sessions, unacknowledged messages are resent with DUP, and nothing is lost.
/// </summary>
public class BrokerRestartTests(ITestOutputHelper output)
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

    private async Task<RunResult> RunWithRestartAsync(bool persistence)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(persistence: persistence);
        LoadProfile profile = ProfileLoader.Parse(Profile, "restart.yaml");
        Task<RunResult> run = LoadRunner.RunAsync(profile, new RunOptions { Broker = $"mqtt://127.0.0.1:{broker.Port}" }, CancellationToken.None);

        // Mid-stage: connects take well under a second, the stage lasts five.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await broker.RestartAsync(graceful: persistence, TimeSpan.FromMilliseconds(300));
        RunResult result = await run;
        output.WriteLine(ResultWriter.Summary(result));
        return result;
    }

    [Fact]
    public async Task ABrokerRestartedWithoutPersistenceKeptNothingAndIsNotBlamedForIt()
    {
        RunResult result = await RunWithRestartAsync(persistence: false);

        Assert.True(result.Counters["reconnects"] >= 5, ResultWriter.Summary(result));
        Assert.DoesNotContain(result.Errors.Keys, k => k.StartsWith("publish refused", StringComparison.Ordinal));
        Assert.Equal(0, result.Counters["refused"]);
        QosAudit audit = Assert.Single(result.Audit);
        Assert.False(audit.Promised, audit.Verdict);
        Assert.True(audit.Passed, audit.Verdict);
        Assert.DoesNotContain("BROKEN", audit.Verdict, StringComparison.Ordinal);

        // What was in flight when the broker went is accounted for as dropped with the session, not as refused.
        Assert.Equal(result.Counters["sent_qos1"] - result.Counters["acknowledged_qos1"],
            result.Counters["dropped_with_session"] + result.Counters["inflight_at_end"] + result.Counters["timed_out"]);
        Assert.Contains(result.Rules, r => r.Rule == "errors" && !r.Passed && r.Text.Contains("connection lost", StringComparison.Ordinal));

        // The outage held the schedule up; that is the broker's doing, never reported as the generator falling behind.
        Assert.Contains(result.Rules, r => r.Rule == "generator" && r.Passed);
    }

    [Fact]
    public async Task ABrokerRestartedWithPersistenceResumesTheSessionsAndLosesNothing()
    {
        RunResult result = await RunWithRestartAsync(persistence: true);

        Assert.True(result.Counters["reconnects"] >= 5, ResultWriter.Summary(result));
        Assert.Equal(0, result.Counters["dropped_with_session"]);
        QosAudit audit = Assert.Single(result.Audit);
        Assert.True(audit.Promised, audit.Verdict);
        Assert.True((audit.Passed, audit.Lost) == (true, 0L), ResultWriter.Summary(result));
        Assert.Equal(result.Counters["sent_qos1"], result.Counters["acknowledged_qos1"]);
        Assert.Contains(result.Rules, r => r.Rule == "generator" && r.Passed);
    }
}
