namespace LoadGen.Cli.Tests.Verdicts;

/// <summary>
/// The bad days, through the CLI as a user runs it, against a broker of our own that misbehaves on cue: each run's
/// exit code, its verdict line, the counters in result.json, and that every file was written.
/// </summary>
public class MisbehavingBrokerTests
{
    // Five publishers, 20 messages each at 20/s: a second of publishing, then the drain.
    private static VerdictRun Pub(MisbehavingBroker broker, params string[] extra) =>
        VerdictRun.Of(["pub", "-c", "5", "-i", "1", "-L", "20", "-I", "50", "-t", "bench/%i", "--broker", broker.Url, .. extra]);

    private static VerdictRun Profile(MisbehavingBroker broker, string groups)
    {
        string path = Path.Combine(Path.GetTempPath(), $"loadgen-verdict-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"name: bad-day\nduration: 8s\ngroups:\n{groups}");
        return VerdictRun.Of("run", path, "--broker", broker.Url);
    }

    [Fact]
    public async Task AWellBehavedBrokerPassesEveryDefaultRule()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript());
        VerdictRun run = Pub(broker, "-q", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("# pub: PASS", run.Output, StringComparison.Ordinal);
        Assert.Equal(100, run.Counter("acknowledged_qos1"));
        Assert.All(run.Result.GetProperty("rules").EnumerateArray(), r => Assert.True(r.GetProperty("passed").GetBoolean(), r.ToString()));
        Assert.Equal(0, broker.Violations);

        // Every session said goodbye: a DISCONNECT on each close, not a dropped socket.
        Assert.Equal(5, broker.Disconnects);
    }

    [Fact]
    public async Task TheQosComparisonClosesEverySessionWithADisconnectAndReportsNoMemoryItDidNotMeasure()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript());
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-verdict-{Guid.NewGuid():N}");
        (int exit, string stdout, string error) = LoadgenProcess.Run("qos", "--broker", broker.Url, "--sessions", "4", "--rate", "100", "--duration", "1s", "--out", output);

        Assert.True(exit == 0, stdout + error);
        Assert.Equal(3 * (4 + 1), broker.Disconnects);
        foreach (string result in Directory.GetFiles(output, "result.json", SearchOption.AllDirectories))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(result));
            if (json.RootElement.GetProperty("memory") is { ValueKind: System.Text.Json.JsonValueKind.Object } memory)
            {
                Assert.True(memory.GetProperty("managed_bytes_per_session").GetDouble() >= 0, result);
                Assert.True(memory.GetProperty("resident_bytes_per_session").GetDouble() >= 0, result);
            }
        }
    }

    [Fact]
    public async Task ABrokerThatNeverAcknowledgesFailsWithNothingAcknowledgedAndSaysWhere()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { NeverAck = true });
        VerdictRun run = Pub(broker, "-q", "1");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("# pub: FAIL", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL throughput: publishers achieved no throughput", run.Output, StringComparison.Ordinal);
        Assert.Contains("FAIL acknowledged: 5 of 5 QoS 1/2 messages were not acknowledged: 5 still in flight at the end", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.Counter("acknowledged"));
        Assert.Equal(5, run.Counter("inflight_at_end"));

        // One message in flight per session (-F 1): the rest of the schedule waited for windows the broker never freed,
        // and the generator rule says so rather than blaming itself.
        Assert.Equal(95, run.Counter("unsent_windows_full"));
        Assert.Contains("waited for full windows (the broker acknowledged too slowly)", run.Rule("generator").Text, StringComparison.Ordinal);
        Assert.True(run.Rule("generator").Passed);
    }

    [Theory]
    [InlineData("2", 0x80, "publish refused: unspecified error (0x80)")]
    [InlineData("1", 0x87, "publish refused: not authorized (0x87)")]
    public async Task ABrokerThatRefusesEveryPublishFailsWithTheReasonNamed(string qos, int reason, string error)
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { PublishReasonCode = reason });
        VerdictRun run = Pub(broker, "-q", qos, "-V", "5");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(100, run.Errors[error]);
        Assert.Equal(100, run.Counter("refused"));
        Assert.Contains("FAIL acknowledged: 100 of 100 QoS 1/2 messages were not acknowledged: 100 refused by the broker", run.Output, StringComparison.Ordinal);

        // Judged once, by the acknowledged rule: the errors rule does not count the same refusals again.
        Assert.True(run.Rule("errors").Passed, run.Rule("errors").Text);
    }

    [Fact]
    public async Task AnSloWithNoSamplesIsNoDataAndFailsWithTheFilesWritten()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript());
        VerdictRun run = Pub(broker, "-q", "0", "--slo", "p99(qos1) < 20ms");

        Assert.True(run.ExitCode == 1, run.ToString());
        System.Text.Json.JsonElement slo = run.Result.GetProperty("slos")[0];
        Assert.Equal(System.Text.Json.JsonValueKind.Null, slo.GetProperty("measured").ValueKind);
        Assert.Equal("no data", slo.GetProperty("shown").GetString());
        Assert.Contains("| `p99(qos1) < 20ms` | no data | FAIL |", run.Summary, StringComparison.Ordinal);
        Assert.Contains("FAIL slo: `p99(qos1) < 20ms` measured no data.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndlessOversizedPublishClosesEachSessionAsPacketTooLargeWithMemoryBounded()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { Garbage = GarbageKind.EndlessPayload });
        VerdictRun run = Pub(broker, "-q", "0");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(5, run.Errors["protocol error from broker: PacketTooLarge"]);
        Assert.Equal("every connection was closed: protocol error from broker: PacketTooLarge", run.PartialReason);
        Assert.True(run.PeakResidentBytes is > 0 and < 200L << 20, $"peak resident {run.PeakResidentBytes >> 20} MiB");
    }

    [Fact]
    public async Task ABrokerThatNeverAnswersConnectFailsEachSessionAfterTheConnectTimeout()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { NeverConnack = true });
        VerdictRun run = Profile(broker, """
              - name: pubs
                role: publisher
                sessions: 5
                connect_timeout: 1s
                topic: "bench/%i"
                qos: 1
                stages: [ { inject: { rate: 50/s, during: 1s } } ]
            """);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(5, run.Counter("connect_failures"));
        Assert.Equal(new Dictionary<string, long> { ["connect: no CONNACK within 1 s"] = 5 }, run.Errors);
        Assert.Equal("no CONNACK within 1 s (all 5 sessions)", run.PartialReason);
        Assert.Contains("FAIL connect: 5 of 5 sessions did not connect: connect: no CONNACK within 1 s ×5", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionsStillWaitingForConnAckWhenTheRunEndsAreConnectFailures()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { NeverConnack = true });
        VerdictRun run = VerdictRun.Of("conn", "-c", "5", "-i", "1", "--hold", "2s", "--broker", broker.Url);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(new Dictionary<string, long> { ["connect: no CONNACK before the run ended"] = 5 }, run.Errors);
        Assert.Equal(5, run.Counter("connect_failures"));
    }

    [Theory]
    [InlineData("4", 5, "connect refused: not authorized (5)", "not authorized (5)")]
    [InlineData("4", 4, "connect refused: bad user name or password (4)", "bad user name or password (4)")]
    [InlineData("5", 0x87, "connect refused: not authorized (0x87)", "not authorized (0x87)")]
    [InlineData("5", 0x9F, "connect refused: connection rate exceeded (0x9F)", "connection rate exceeded (0x9F)")]
    public async Task ARefusedConnectIsCountedOnceByName(string version, int code, string error, string named)
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { ConnackCode = code });
        VerdictRun run = Pub(broker, "-q", "1", "-V", version);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(new Dictionary<string, long> { [error] = 5 }, run.Errors);
        Assert.Equal(5, run.Counter("connect_failures"));
        Assert.Equal($"the broker refused all 5 connections: {named}", run.PartialReason);
    }

    [Fact]
    public async Task ACloseBeforeConnAckIsAConnectFailureWithThatCause()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { CloseBeforeConnack = true });
        VerdictRun run = Pub(broker, "-q", "1");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(new Dictionary<string, long> { ["connect: closed by the broker before CONNACK"] = 5 }, run.Errors);
        Assert.Equal(5, run.Counter("connect_failures"));
    }

    [Fact]
    public async Task AThreeOneOneConnAckToAFiveZeroConnectIsAConnectFailure()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { ConnackAs311 = true, ConnackCode = 5 });
        VerdictRun run = Pub(broker, "-q", "1", "-V", "5");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(5, run.Counter("connect_failures"));
        KeyValuePair<string, long> only = Assert.Single(run.Errors);
        Assert.StartsWith("connect: protocol error from broker:", only.Key, StringComparison.Ordinal);
        Assert.Equal(5, only.Value);
    }

    [Fact]
    public async Task TheBrokersMaximumPacketSizeIsNeverExceededAndWhatCouldNotBeSentIsCounted()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { MaximumPacketSize = 256 });
        VerdictRun run = Pub(broker, "-q", "1", "-V", "5", "-s", "300");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(100, run.Counter("not_sent"));
        Assert.Equal(100, run.Errors["not sent: larger than the broker's Maximum Packet Size (256 B)"]);
        Assert.Equal(0, broker.Violations);
        Assert.True(broker.LargestPacketReceived <= 256, $"largest packet {broker.LargestPacketReceived} B");

        // Ours goes the other way: the CONNECT says what we accept (1 MiB by default).
        Assert.Equal(1u << 20, broker.LastConnectMaximumPacketSize);
    }

    [Fact]
    public async Task AServerDisconnectIsCountedByItsReasonCode()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { DisconnectAfterPublishes = 3, DisconnectReason = 0x89 });
        VerdictRun run = Pub(broker, "-q", "1", "-V", "5");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(5, run.Errors["broker sent DISCONNECT: server busy (0x89)"]);
        Assert.Equal("the broker closed every connection: server busy (0x89)", run.PartialReason);
    }

    [Theory]
    [InlineData("ReservedType")]
    [InlineData("BadFlags")]
    [InlineData("MalformedRemainingLength")]
    public async Task AMalformedPacketClosesThatSessionWithAPreciseCountedError(string garbage)
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { Garbage = Enum.Parse<GarbageKind>(garbage) });
        VerdictRun run = Pub(broker, "-q", "1");

        Assert.True(run.ExitCode == 1, run.ToString());
        KeyValuePair<string, long> only = Assert.Single(run.Errors);
        Assert.StartsWith("protocol error from broker: ", only.Key, StringComparison.Ordinal);
        Assert.Equal(5, only.Value);
    }

    [Fact]
    public async Task AcknowledgementsForIdsNeverUsedAreCounted()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { UnsolicitedAcks = 4 });
        VerdictRun run = Pub(broker, "-q", "1");

        Assert.Equal(20, run.Counter("unexpected_acks"));
        Assert.Equal(100, run.Counter("acknowledged_qos1"));
    }

    [Fact]
    public async Task ASubscriptionGrantedALowerQosIsAuditedAtTheQosGranted()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { GrantedQos = 1 });
        VerdictRun run = Profile(broker, """
              - name: sub
                role: subscriber
                sessions: 1
                subscriptions: [ { filter: "grant/#", qos: 2 } ]
              - name: pubs
                role: publisher
                sessions: 2
                topic: "grant/%i"
                qos: 2
                stages: [ { inject: { rate: 50/s, during: 1s } } ]
            """);

        Assert.True(run.ExitCode == 0, run.ToString());
        System.Text.Json.JsonElement audit = run.Result.GetProperty("audit")[0];
        Assert.Equal(2, audit.GetProperty("qos").GetInt32());
        Assert.StartsWith("QoS 2 asked, QoS 1 granted: audited as QoS 1", audit.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        Assert.Equal(50, run.Counter("received"));
        Assert.Equal(50, run.Counter("delivered_below_qos"));
    }

    [Fact]
    public async Task AnAcknowledgementTimeoutIsCountedByLegAndTheMessageGivenUp()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { NeverAck = true });
        VerdictRun run = Profile(broker, """
              - name: pubs
                role: publisher
                sessions: 5
                inflight: 1
                ack_timeout: 1s
                topic: "bench/%i"
                qos: 1
                stages: [ { inject: { rate: 10/s, during: 1s } } ]
            """);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(10, run.Counter("sent"));
        Assert.Equal(10, run.Counter("timed_out"));
        Assert.Equal(10, run.Counter("ack_timeouts_puback"));
        Assert.Equal(10, run.Errors["no PUBACK within 1 s"]);
        Assert.Contains("10 timed out", run.Rule("acknowledged").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokerThatStopsAnsweringPingsIsCaughtByTheKeepAlive()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { NeverPingResp = true });
        VerdictRun run = VerdictRun.Of("conn", "-c", "3", "-i", "1", "-k", "1", "--hold", "6s", "--broker", broker.Url);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(3, run.Errors["connection lost: no PINGRESP within the keep-alive period"]);
        Assert.True(broker.Received(12) >= 3, $"{broker.Received(12)} PINGREQ");
    }

    [Fact]
    public async Task APublishAboveTheBrokersMaximumQosIsNotSentAndCounted()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { MaximumQos = 1 });
        VerdictRun run = Pub(broker, "-q", "2", "-V", "5");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(100, run.Counter("not_sent"));
        Assert.Equal(100, run.Errors["not sent: QoS 2 above the broker's Maximum QoS 1"]);
        Assert.Equal(0, broker.Publishes);
        Assert.Equal(0, broker.Violations);
    }

    [Fact]
    public async Task RefusedMessagesAreNotLostForAnySubscriberAndTheRefusalIsJudgedOnce()
    {
        await using var broker = MisbehavingBroker.Start(new BrokerScript { PublishReasonCode = 0x97 });
        VerdictRun run = Profile(broker, """
              - name: subs
                role: subscriber
                sessions: 2
                protocol: "5.0"
                subscriptions: [ { filter: "quota/#", qos: 1 } ]
              - name: pubs
                role: publisher
                sessions: 2
                protocol: "5.0"
                topic: "quota/%i"
                qos: 1
                stages: [ { inject: { rate: 20/s, during: 1s } } ]
            slo: [ "unacknowledged_rate < 100.1%" ]
            """);

        // Every message refused: the acknowledged rule is relaxed by the SLO, the errors rule leaves the refusals to
        // it, and no subscriber is said to have lost what the broker never took.
        Assert.Equal(20, run.Errors["publish refused: quota exceeded (0x97)"]);
        System.Text.Json.JsonElement audit = run.Result.GetProperty("audit")[0];
        Assert.Equal(0, audit.GetProperty("lost").GetInt64());
        Assert.True(audit.GetProperty("passed").GetBoolean(), audit.ToString());
        Assert.True(run.Rule("acknowledged").Passed, run.Rule("acknowledged").Text);
        Assert.True(run.Rule("errors").Passed, run.Rule("errors").Text);
        Assert.False(run.Rule("throughput").Passed);
        Assert.True(run.ExitCode == 1, run.ToString());
    }
}
