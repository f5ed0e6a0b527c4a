
namespace LoadGen.Engine.Tests.Faults;

/// <summary>
/// Runs through the in-process fault proxy, against the embedded broker and a real mosquitto: lost acknowledgements are
/// resent and counted, the QoS guarantees hold where promised, and a lossy path fails the audit
/// (the latency ground truth is in <see cref="CalibrationTests"/>).
/// </summary>
public class FaultInjectionTests
{
    private static string Profile(int qos, string faults, string publisher = "", string subscriber = "") => $$"""
        name: faults
        duration: 25s
        faults: {{faults}}
        groups:
          - name: pubs
            role: publisher
            sessions: 4
            topic: "faults/%i"
            qos: {{qos}}
            payload: 64
            resend_interval: 200ms
            {{publisher}}
            stages: [ { inject: { rate: 200/s, during: 2s } } ]
          - name: sub
            role: subscriber
            sessions: 1
            {{subscriber}}
            subscriptions: [ { filter: "faults/#", qos: {{qos}} } ]
        """;

    private static async Task<RunResult> RunAsync(string broker, string yaml)
    {
        LoadProfile profile = ProfileLoader.Parse(yaml.Replace("\n            \n", "\n", StringComparison.Ordinal), "faults.yaml");
        if (broker == "mosquitto")
        {
            await using MosquittoBroker mosquitto = await MosquittoBroker.StartAsync();
            return await LoadRunner.RunAsync(profile, new RunOptions { Broker = $"mqtt://127.0.0.1:{mosquitto.Port}" }, CancellationToken.None);
        }

        return await LoadRunner.RunAsync(profile, new RunOptions(), CancellationToken.None);
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("mosquitto")]
    public async Task ADroppedPubackCausesACountedDupResendAndQoS1StillLosesNothing(string broker)
    {
        RunResult result = await RunAsync(broker, Profile(1, "{ drop: [ { packet: PUBACK, direction: downstream, probability: 0.05 } ] }"));

        Assert.True(result.Faults!["dropped PUBACK downstream"] > 0);
        Assert.True(result.Resends["qos1.publish.interval"] > 0, "no PUBLISH was resent with DUP");
        Assert.True(result.ResendRates["qos1.interval"] > 0);
        Assert.Equal(result.Counters["sent"], result.Counters["acknowledged"]);
        QosAudit audit = Assert.Single(result.Audit);
        Assert.Equal((1, 0L), (audit.Qos, audit.Lost));
        Assert.True(audit.Passed && audit.Promised);
        Assert.True(result.Passed, ResultText.Failures(result));
    }

    [Theory]
    [InlineData("mosquitto", "PUBREC", "qos2.publish.interval")]
    [InlineData("mosquitto", "PUBCOMP", "qos2.pubrel.interval")]
    [InlineData("embedded", "PUBCOMP", "qos2.pubrel.interval")]
    public async Task ADroppedPubrecOrPubcompCausesAResendAndQoS2DeliversExactlyOnce(string broker, string packet, string resend)
    {
        // A second resend of one QoS 2 PUBLISH makes mosquitto close the connection (pinned below), which a lost PUBREC
        // can cause twice in a row: with a persistent session the publisher comes back and resends it, as a device
        // would. The retry interval leaves room for a first handshake slowed by JIT compilation: a PUBLISH resent for
        // that alone is delivered twice by MQTTnet.Server 5.2 (its known flaw), which the audit would then count. On a
        // slow day a first PUBREC took over 1 s (one run in four failed so, before and after the loop refactor); a
        // dropped PUBCOMP needs no PUBLISH resend at all, so there the interval is 3 s (the run drains for 23 s).
        // That close is an error the default verdict counts; the profile allows it, as one expecting it would.
        string persistent = packet == "PUBREC" ? "clean_start: false\n    reconnect_delay: 100ms" : "";
        string yaml = Profile(2, $"{{ drop: [ {{ packet: {packet}, direction: downstream, probability: 0.05 }} ] }}", persistent)
            .Replace("resend_interval: 200ms", packet == "PUBREC" ? "resend_interval: 1s" : "resend_interval: 1500ms", StringComparison.Ordinal);
        RunResult result = await RunAsync(broker, packet == "PUBREC" ? yaml + "\nslo: [ \"error_rate < 2%\" ]\n" : yaml);

        Assert.True(result.Faults![$"dropped {packet} downstream"] > 0);
        Assert.True(result.Resends[resend] > 0, $"nothing counted under {resend}");
        QosAudit audit = Assert.Single(result.Audit);
        Assert.True((audit.Qos, audit.Lost, audit.Duplicates) == (2, 0L, 0L),
            $"lost {audit.Lost}, duplicates {audit.Duplicates}; resends: {string.Join(", ", result.Resends.Select(r => $"{r.Key} {r.Value}"))}");
        Assert.Equal(result.Counters["sent"], audit.Received);
        Assert.True(result.Passed, ResultText.Failures(result));
    }

    [Fact]
    public async Task MosquittoClosesASessionThatResendsAQoS2PublishTwiceAndTheAuditDoesNotBlameTheBrokerForIt()
    {
        // Found with this proxy: mosquitto 2.0.11 answers the second in-session DUP of an unacknowledged QoS 2 PUBLISH
        // with "protocol error" and closes the connection. With 30 % of PUBRECs lost that happens in every run; the
        // messages then in flight were never acknowledged, so the audit reports them but does not fail the broker.
        RunResult result = await RunAsync("mosquitto", Profile(2, "{ drop: [ { packet: PUBREC, direction: downstream, probability: 0.3 } ] }"));

        Assert.Contains(result.Errors.Keys, reason => reason.StartsWith("connection lost", StringComparison.Ordinal));
        QosAudit audit = Assert.Single(result.Audit);
        Assert.Equal(0, audit.Duplicates);
        Assert.True(audit.Passed, audit.Verdict);
    }

    [Fact]
    public async Task ACutConnectionWithAPersistentSessionResendsOnReconnect()
    {
        // Acknowledgements are lost with no interval retry, so messages are in flight when the proxy cuts every
        // connection each second; the sessions come back with their sessions present and resend them.
        string yaml = Profile(1, "{ drop: [ { packet: PUBACK, direction: downstream, probability: 0.2 } ], cut: { every: 1s } }",
                "clean_start: false\n    reconnect_delay: 100ms", "clean_start: false\n    reconnect_delay: 100ms")
            .Replace("resend_interval: 200ms", "resend_interval: 0s", StringComparison.Ordinal)
            .Replace("\n    ", "\n    ", StringComparison.Ordinal);
        RunResult result = await RunAsync("embedded", yaml);

        Assert.True(result.Faults!["cuts"] > 0);
        Assert.True(result.Counters["reconnects"] > 0);
        Assert.True(result.Resends["qos1.publish.reconnect"] > 0, "nothing was resent on reconnect");
        Assert.Equal(0, result.Resends["qos1.publish.interval"]);
        // Without interval retries, a message whose PUBACK was dropped again after the last cut stays in flight.
        Assert.True(result.Counters["acknowledged"] >= result.Counters["sent"] * 0.95, ResultText.Failures(result));
        QosAudit audit = Assert.Single(result.Audit);
        Assert.Equal(0, audit.Lost);
    }

    [Fact]
    public async Task APathThatDiscardsPublishesToSubscribersFailsTheAudit()
    {
        // The proxy plays a lossy broker: a tenth of the PUBLISHes on their way to the subscriber vanish.
        RunResult result = await RunAsync("embedded", Profile(1, "{ drop: [ { packet: PUBLISH, direction: downstream, probability: 0.1 } ] }"));

        QosAudit audit = Assert.Single(result.Audit);
        Assert.True(audit.Lost > 0);
        Assert.False(audit.Passed);
        Assert.StartsWith("BROKEN", audit.Verdict, StringComparison.Ordinal);
        Assert.False(result.Passed);
        Assert.Contains("BROKEN", ResultText.Failures(result), StringComparison.Ordinal);
    }
}
