namespace LoadGen.Engine.Tests.Verdicts;

/// <summary>The default verdict rules on constructed results: what each one holds a run to, and how an SLO relaxes it.</summary>
public class VerdictRulesTests
{
    private static RunResult Result(Dictionary<RunCounter, long> counters, Dictionary<string, long>? errors = null, int planned = 5) => new()
    {
        Profile = "p",
        Broker = "mqtt://127.0.0.1:1",
        StartedUtc = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc),
        Seconds = 10,
        SessionsPlanned = planned,
        Counters = counters.ToDictionary(c => c.Key.Name(), c => c.Value),
        Resends = new Dictionary<string, long>(),
        Errors = errors ?? new Dictionary<string, long>(),
        Service = new Dictionary<string, LatencySummary>(),
        Response = new Dictionary<string, LatencySummary>(),
        Slos = [],
        ErrorRate = errors is null ? 0 : (double)errors.Values.Sum() / Math.Max(1, counters.GetValueOrDefault(RunCounter.Sent)),
        Throughput = counters.GetValueOrDefault(RunCounter.Acknowledged) / 10.0,
    };

    private static VerdictRule Rule(RunResult judged, string name) => judged.Rules.Single(r => r.Rule == name);

    [Fact]
    public void AConnectFailureFailsTheRunUnlessAConnectFailureRateSloAllowsIt()
    {
        RunResult result = Result(new() { [RunCounter.SessionsConnected] = 99, [RunCounter.ConnectFailures] = 1 },
            new() { ["connect refused: server unavailable (3)"] = 1 }, planned: 100);

        VerdictRule strict = Rule(RunVerdict.Judge(result, []), "connect");
        Assert.False(strict.Passed);
        Assert.Equal("1 of 100 sessions did not connect: connect refused: server unavailable (3) ×1", strict.Text);

        RunResult judged = RunVerdict.Judge(result, [ProfileLoader.ParseSlo("connect_failure_rate < 2%")]);
        VerdictRule relaxed = Rule(judged, "connect");
        Assert.True(relaxed.Passed, relaxed.Text);
        Assert.Equal("connect_failure_rate < 2%", relaxed.RelaxedBy);

        // The refusal is the connect rule's to judge: the errors rule does not fail the run for it again.
        Assert.True(judged.Passed, string.Join("; ", judged.Rules.Select(r => r.Text)));
    }

    [Fact]
    public void UnacknowledgedMessagesAreAccountedForByCause()
    {
        RunResult result = Result(new()
        {
            [RunCounter.SessionsConnected] = 5, [RunCounter.Publishers] = 5, [RunCounter.Sent] = 100, [RunCounter.SentQos1] = 100,
            [RunCounter.Acknowledged] = 90, [RunCounter.AcknowledgedQos1] = 90, [RunCounter.Refused] = 4, [RunCounter.TimedOut] = 3,
            [RunCounter.DroppedWithSession] = 2, [RunCounter.InflightAtEnd] = 1,
        });

        VerdictRule rule = Rule(RunVerdict.Judge(result, []), "acknowledged");
        Assert.False(rule.Passed);
        Assert.Equal("10 of 100 QoS 1/2 messages were not acknowledged: 4 refused by the broker, 3 timed out, " +
            "2 dropped with the session (the broker kept none, as the protocol allows), 1 still in flight at the end", rule.Text);
        Assert.True(Rule(RunVerdict.Judge(result, [ProfileLoader.ParseSlo("unacknowledged_rate < 11%")]), "acknowledged").Passed);
        Assert.Contains("(allowed by unacknowledged_rate < 11%)", Rule(RunVerdict.Judge(result, [ProfileLoader.ParseSlo("unacknowledged_rate < 11%")]), "acknowledged").Text, StringComparison.Ordinal);
        Assert.DoesNotContain("allowed by", Rule(RunVerdict.Judge(result, [ProfileLoader.ParseSlo("unacknowledged_rate < 5%")]), "acknowledged").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AGeneratorThatFellBehindFailsAsTheGeneratorAndAFullWindowIsTheBrokers()
    {
        var behind = new Dictionary<RunCounter, long>
        {
            [RunCounter.SessionsConnected] = 5, [RunCounter.Publishers] = 5, [RunCounter.Sent] = 8_000, [RunCounter.Acknowledged] = 8_000,
            [RunCounter.SentQos0] = 8_000, [RunCounter.AcknowledgedQos0] = 8_000, [RunCounter.Due] = 10_000, [RunCounter.Late] = 5_000,
            [RunCounter.UnsentByGenerator] = 2_000,
        };
        VerdictRule generator = Rule(RunVerdict.Judge(Result(behind), []), "generator");
        Assert.False(generator.Passed);
        Assert.Contains("because of the generator, not the broker; add generator capacity (--workers", generator.Text, StringComparison.Ordinal);

        // The same shortfall with every window full is the broker acknowledging too slowly, not the generator.
        behind[RunCounter.Late] = 0;
        behind[RunCounter.UnsentByGenerator] = 0;
        behind[RunCounter.UnsentWindowsFull] = 2_000;
        generator = Rule(RunVerdict.Judge(Result(behind), []), "generator");
        Assert.True(generator.Passed, generator.Text);
        Assert.Contains("2000 more waited for full windows (the broker acknowledged too slowly)", generator.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ASubscriberOnlyRunIsJudgedOnWhatItReceived()
    {
        RunResult result = RunVerdict.Judge(Result(new() { [RunCounter.SessionsConnected] = 2, [RunCounter.Subscribers] = 2, [RunCounter.Received] = 105 }, planned: 2), []);

        Assert.Equal(0, result.Throughput);
        Assert.DoesNotContain(result.Rules, r => r.Rule is "throughput");
        Assert.Contains(result.Rules, r => r.Rule == "delivery" && r.Passed);

        // A subscriber run that heard nothing measured nothing.
        RunResult silent = RunVerdict.Judge(Result(new() { [RunCounter.SessionsConnected] = 2, [RunCounter.Subscribers] = 2 }, planned: 2), []);
        Assert.False(silent.Passed);
        Assert.Equal("subscribers received nothing: no message matched their subscriptions while the run lasted", Rule(silent, "delivery").Text);
        Assert.True(result.Passed, string.Join("; ", result.Rules.Select(r => r.Text)));
    }

    [Fact]
    public void NothingAcknowledgedNeverPasses()
    {
        RunResult result = RunVerdict.Judge(Result(new()
        {
            [RunCounter.SessionsConnected] = 5, [RunCounter.Publishers] = 5, [RunCounter.Sent] = 5, [RunCounter.SentQos1] = 5,
            [RunCounter.InflightAtEnd] = 5,
        }), [ProfileLoader.ParseSlo("unacknowledged_rate < 100.1%")]);

        Assert.False(result.Passed);
        Assert.False(Rule(result, "throughput").Passed);
    }
}
