using LoadGen.Client;

namespace LoadGen.Engine.Tests.Capacity;

/// <summary>Who saturated, on constructed steps: the generator before the network before the broker, each named.</summary>
public class SaturationTests
{
    // A step offered 1,000 msg/s for 2 s: two measured seconds at the given rates, then a short drain.
    private static RunResult Step(double sent, double acknowledged, Dictionary<RunCounter, long>? counters = null, Dictionary<string, long>? errors = null,
        string[]? slos = null, Dictionary<string, LatencySummary>? response = null)
    {
        var all = new Dictionary<RunCounter, long>
        {
            [RunCounter.SessionsConnected] = 10, [RunCounter.Publishers] = 10, [RunCounter.Sent] = (long)(2 * sent), [RunCounter.SentQos1] = (long)(2 * sent),
            [RunCounter.Acknowledged] = (long)(2 * acknowledged), [RunCounter.AcknowledgedQos1] = (long)(2 * acknowledged), [RunCounter.Due] = 2000,
        };
        foreach ((RunCounter counter, long value) in counters ?? [])
        {
            all[counter] = value;
        }

        var result = new RunResult
        {
            Profile = "p",
            Broker = "mqtt://127.0.0.1:1",
            StartedUtc = new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc),
            Seconds = 2.3,
            SessionsPlanned = 10,
            Counters = all.ToDictionary(c => c.Key.Name(), c => c.Value),
            Resends = new Dictionary<string, long>(),
            Errors = errors ?? new Dictionary<string, long>(),
            Service = response ?? new Dictionary<string, LatencySummary>(),
            Response = response ?? new Dictionary<string, LatencySummary>(),
            Slos = [],
            Throughput = 2 * acknowledged / 2.3,
            Generator = new GeneratorCost(0.5, IncludesBroker: false, 250, 120),
            Host = new HostInfo("m", "linux", ".NET", 2, 1L << 34),
            Timeline =
            [
                new TimelinePoint { Time = 1.0, Seconds = 1.0, Latency = new Dictionary<string, IntervalLatency>(), Phase = RunPhase.Warmup, Sent = (long)sent, Acknowledged = (long)acknowledged },
                new TimelinePoint { Time = 2.0, Seconds = 1.0, Latency = new Dictionary<string, IntervalLatency>(), Phase = RunPhase.Measure, Sent = (long)sent, Acknowledged = (long)acknowledged },
                new TimelinePoint { Time = 3.0, Seconds = 1.0, Latency = new Dictionary<string, IntervalLatency>(), Phase = RunPhase.Measure, Sent = (long)sent, Acknowledged = (long)acknowledged },
                new TimelinePoint { Time = 3.3, Seconds = 0.3, Latency = new Dictionary<string, IntervalLatency>(), Phase = RunPhase.Measure },
            ],
        };
        return RunVerdict.Judge(result, [.. (slos ?? []).Select(ProfileLoader.ParseSlo)]);
    }

    [Fact]
    public void AStepThatHeldItsRulesAndKeptUpPasses()
    {
        CapacityStep step = Saturation.Judge(Step(1000, 1000), 1000, 2, 1, "ramp");

        Assert.True(step.Passed, step.Broke);
        Assert.Null(step.LimitedBy);
        // The drain's empty interval is not part of the offered span.
        Assert.Equal(1000, step.Achieved);
        Assert.Equal(0.5 / (2.3 * 2), step.GeneratorCpu, 6);
    }

    [Fact]
    public void ABrokerThatAcknowledgesTooLittleOfTheOfferedRateIsTheLimitEvenWithEveryRuleHeld()
    {
        // Sends waited for windows the broker did not free: the shortfall is the broker's.
        CapacityStep step = Saturation.Judge(Step(900, 900, new() { [RunCounter.UnsentWindowsFull] = 200, [RunCounter.Backlogged] = 40 }), 1000, 2, 1, "ramp");

        Assert.False(step.Passed);
        Assert.Equal(LimitedBy.Broker, step.LimitedBy);
        Assert.StartsWith("achieved: 900 msg/s acknowledged of 1000 msg/s offered", step.Broke, StringComparison.Ordinal);
    }

    [Fact]
    public void ALateGeneratorIsTheLimitThoughAnSloBrokeToo()
    {
        var slow = new Dictionary<string, LatencySummary> { ["qos1"] = new(2000, 90_000, 95_000, 120_000, 130_000, 140_000) };
        CapacityStep step = Saturation.Judge(Step(600, 600, new() { [RunCounter.Late] = 1500 }, slos: ["p99(qos1) < 50ms"], response: slow), 1000, 2, 1, "ramp");

        Assert.Equal(LimitedBy.Generator, step.LimitedBy);
        Assert.StartsWith("the generator sent 1500 of 2000 due messages", step.Broke, StringComparison.Ordinal);
    }

    [Fact]
    public void AGeneratorUsingEveryCoreIsTheLimitWhenTheBrokerRunsElsewhere()
    {
        RunResult busy = Step(1000, 800) with { Generator = new GeneratorCost(4.4, IncludesBroker: false, 250, 120) };

        CapacityStep step = Saturation.Judge(busy, 1000, 2, 1, "ramp");

        Assert.Equal(LimitedBy.Generator, step.LimitedBy);
        Assert.Contains("CPU was 95.7 % of 2 cores", step.Broke, StringComparison.Ordinal);

        // With the broker in the same process the CPU is not the generator's alone: it proves nothing.
        Assert.Equal(LimitedBy.Broker, Saturation.Judge(busy with { Generator = busy.Generator! with { IncludesBroker = true } }, 1000, 2, 1, "ramp").LimitedBy);
    }

    [Fact]
    public void AGeneratorThatSentTooLittleOrTooLateWithNoWindowFullIsTheLimit()
    {
        Assert.StartsWith("the generator sent 800 msg/s of 1000 msg/s offered, with no window full", Saturation.Judge(Step(800, 800), 1000, 2, 1, "ramp").Broke, StringComparison.Ordinal);

        var late = new Dictionary<string, LatencySummary> { ["lag"] = new(2000, 20_000, 90_000, 150_000, 160_000, 170_000) };
        CapacityStep lagged = Saturation.Judge(Step(1000, 900, response: late), 1000, 2, 1, "ramp");
        Assert.Equal(LimitedBy.Generator, lagged.LimitedBy);
        Assert.StartsWith("the generator's lag p99 was 150 ms", lagged.Broke, StringComparison.Ordinal);

        // An SLO on lag stands in for the generator rule, so when it breaks the generator is to blame.
        CapacityStep slo = Saturation.Judge(Step(1000, 1000, slos: ["p99(lag) < 10ms"], response: late), 1000, 2, 1, "ramp");
        Assert.Equal(LimitedBy.Generator, slo.LimitedBy);
        Assert.StartsWith("p99(lag) < 10ms: measured 150 ms", slo.Broke, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNetworkIsNamedByTheResetsTheClientReports()
    {
        // As the client words a reset, on either loop model, plain or wrapped in a TLS stream's IOException.
        string reset = MqttClientCloseReasons.SocketFailure("receive", new IOException("x", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset)));
        Assert.Equal("receive failed: ConnectionReset", reset);
        Assert.True(ErrorReasons.IsNetwork(ErrorReasons.ConnectionLostPrefix + reset));
        Assert.True(ErrorReasons.IsNetwork(ErrorReasons.ReconnectFailed("ConnectionRefused")));
        Assert.False(ErrorReasons.IsNetwork(ErrorReasons.ConnectionLostPrefix + "the broker closed the connection"));
    }

    [Theory]
    [InlineData("connect: NoConnection (ConnectionRefused)", "network")]
    [InlineData("connection lost: receive failed: ConnectionReset", "network")]
    [InlineData("connect refused: server unavailable (3)", "broker")]
    [InlineData("connect: no CONNACK within 10s", "broker")]
    public void SocketFailuresAreTheNetworksAndMqttRefusalsTheBrokers(string reason, string blamed)
    {
        CapacityStep step = Saturation.Judge(Step(1000, 1000, new() { [RunCounter.ConnectFailures] = 3, [RunCounter.SessionsConnected] = 7 }, new() { [reason] = 3 }), 1000, 2, 1, "ramp");

        Assert.False(step.Passed);
        Assert.Equal(blamed, step.LimitedBy.ToString()!.ToLowerInvariant());
    }
}
