using System.Text.Json;
using LoadGen.Cli.Tests.Verdicts;

namespace LoadGen.Cli.Tests.Fleet;

/// <summary>
/// Request/response through the CLI: requesters and a responder against mosquitto under 5.0 (Response Topic and
/// Correlation Data) and 3.1.1 (the reply topic by convention), against the embedded broker, and with nobody
/// answering, where every request times out and the run fails. Misplaced fields are refused.
/// </summary>
public class RequestResponseTests
{
    private static string[] Args(string broker, params string[] more) =>
    [
        "run", Path.Combine(Repository.Root, "profiles", "request-response.yaml"), "--broker", broker,
        "--duration", "6s", "--set", "warmup=0s", "--set", "groups.devices.stages[0].inject.rate=100/s",
        // The profile's own SLO is for a measured phase after a warm-up; here the first requests meet a cold process.
        "--set", "slo[0]=p99(rpc) < 5s",
        "--set", "groups.devices.stages[0].inject.during=3s", .. more,
    ];

    [Theory]
    [InlineData("5.0")]
    [InlineData("3.1.1")]
    public async Task EveryRequestIsAnsweredAndTimedAgainstMosquitto(string protocol)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        VerdictRun run = VerdictRun.Of(Args($"mqtt://127.0.0.1:{broker.Port}",
            "--set", $"groups.devices.protocol={protocol}", "--set", $"groups.backend.protocol={protocol}"));

        AssertAllAnswered(run);
    }

    [Fact]
    public void EveryRequestIsAnsweredOnTheEmbeddedBroker() => AssertAllAnswered(VerdictRun.Of(Args("embedded")));

    private static void AssertAllAnswered(VerdictRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        long requests = run.Counter("rpc_requests");
        Assert.InRange(requests, 250, 350);
        Assert.Equal(run.Counter("sent"), requests);
        Assert.Equal(requests, run.Counter("rpc_replies"));
        Assert.Equal(requests, run.Counter("rpc_responses"));
        Assert.Equal(0, run.Counter("rpc_timeouts"));
        Assert.Equal(0, run.Counter("rpc_unmatched"));
        JsonElement service = run.Result.GetProperty("service").GetProperty("rpc");
        JsonElement response = run.Result.GetProperty("response").GetProperty("rpc");
        Assert.Equal(requests, service.GetProperty("count").GetInt64());
        // The responder thinks 2 ms before it answers: no round trip is shorter, and the response time (from the
        // intended send) is never below the service time (from the actual send).
        Assert.True(service.GetProperty("p50").GetDouble() >= 2_000, run.ToString());
        Assert.True(response.GetProperty("p50").GetDouble() >= service.GetProperty("p50").GetDouble());
        Assert.Contains("| rpc |", run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestsNobodyAnswersTimeOutAndFailTheRun()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        VerdictRun run = NobodyAnswers($"mqtt://127.0.0.1:{broker.Port}", qos: 1);

        Assert.True(run.ExitCode == 1, run.ToString());
        long requests = run.Counter("rpc_requests");
        Assert.True(requests >= 90, run.ToString());
        // The broker acknowledged every request (it did what it promised); no responder answered.
        Assert.Equal(requests, run.Counter("acknowledged"));
        Assert.Equal(requests, run.Counter("rpc_timeouts"));
        Assert.Equal(0, run.Counter("rpc_responses"));
        Assert.Equal(requests, run.Errors["rpc: no response within 1 s"]);
        Assert.False(run.Rule("errors").Passed);
        Assert.Equal((false, $"no response came back to any of {requests} requests"), run.Rule("responses"));
    }

    [Fact]
    public async Task QosZeroRequestsNobodyAnswersAreExcusedButARunWithNoResponseAtAllFails()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        VerdictRun run = NobodyAnswers($"mqtt://127.0.0.1:{broker.Port}", qos: 0);

        // QoS 0 may be lost: no request was owed a response, so none is an error; but not one came back, so no PASS.
        long requests = run.Counter("rpc_requests");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(0, run.Counter("rpc_timeouts"));
        Assert.Equal(requests, run.Counter("rpc_timeouts_excused"));
        Assert.True(run.Rule("errors").Passed, run.ToString());
        Assert.StartsWith($"no response came back to any of {requests} requests", run.Rule("responses").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestsABrokerNeverAcknowledgesAreJudgedOnceByTheAcknowledgedRuleNotAsMissingResponses()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { NeverAck = true });
        VerdictRun run = NobodyAnswers(broker.Url, qos: 1);

        // The broker took the requests and acknowledged none: its failure, named once. No response was owed yet.
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.True(run.Counter("rpc_requests") >= 5, run.ToString());
        Assert.Equal(0, run.Counter("acknowledged"));
        Assert.False(run.Rule("acknowledged").Passed);
        Assert.Equal(0, run.Counter("rpc_timeouts"));
        Assert.DoesNotContain(run.Errors.Keys, e => e.StartsWith("rpc:", StringComparison.Ordinal));
    }

    // Five requesters and nobody answering, at a QoS, for 2 s with a 1 s rpc_timeout.
    private static VerdictRun NobodyAnswers(string broker, int qos)
    {
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-rpc-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, $$"""
            name: nobody-answers
            duration: 8s
            groups:
              - name: devices
                role: requester
                protocol: "5.0"
                sessions: 5
                topic: "rpc/request/%c"
                rpc_timeout: 1s
                qos: {{qos}}
                payload: 32
                stages: [ { inject: { rate: 50/s, during: 2s } } ]
            """);
        return VerdictRun.Of("run", profile, "--broker", broker);
    }

    [Fact]
    public void AResponderSubscribedToItsOwnRepliesIsRefused()
    {
        (int exit, string output, string error) = LoadgenProcess.Check("""
            name: loop
            duration: 5s
            groups:
              - name: backend
                role: responder
                sessions: 1
                reply_topic: "rpc/reply/%3"
                subscriptions: [ { filter: "rpc/#", qos: 1 } ]
              - name: devices
                role: requester
                sessions: 1
                client_id: "d-%i"
                topic: "rpc/request/%c"
                response_topic: "rpc/reply/%c"
            """);

        Assert.True(exit == 2, output + error);
        Assert.Contains("groups[0].subscriptions: \"rpc/#\" also matches \"rpc/reply/d-0\", where the responses of group devices go", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    role: responder\n    sessions: 1\n    subscriptions: [ { filter: \"rpc/#\" } ]\n", "groups[0].reply_topic: a 3.1.1 request names no Response Topic")]
    [InlineData("    role: requester\n    protocol: \"5.0\"\n    sessions: 1\n    topic: a\n    correlation_data: x\n", "groups[0].correlation_data: a requester's correlation data is its request's stamp")]
    [InlineData("    role: publisher\n    sessions: 1\n    topic: a\n    think_time: 1ms\n", "groups[0].think_time: belongs to a group with role: responder")]
    [InlineData("    role: requester\n    sessions: 1\n    topic: a\n    payload: { template: 'x' }\n", "groups[0].payload: a 3.1.1 request carries its stamp in the payload")]
    [InlineData("    role: requester\n    sessions: 1\n    topic: a\n    payload: 8\n", "groups[0].payload: a request carries a 16-byte stamp")]
    [InlineData("    role: requester\n    sessions: 1\n    topic: a\n    response_topic: \"reply/+\"\n", "groups[0].response_topic: a topic name without wildcards")]
    [InlineData("    role: responder\n    sessions: 1\n    reply_topic: \"r/%x\"\n    subscriptions: [ { filter: \"rpc/#\" } ]\n", "groups[0].reply_topic: unknown placeholder")]
    public void AMisplacedRequestResponseFieldIsRefusedNamingTheField(string group, string expected)
    {
        (int exit, string output, string error) = LoadgenProcess.Check("name: rpc\nduration: 5s\ngroups:\n  - name: g\n" + group);

        Assert.True(exit == 2, output + error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
