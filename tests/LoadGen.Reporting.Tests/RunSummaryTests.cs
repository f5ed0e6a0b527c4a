using LoadGen.Engine;

namespace LoadGen.Reporting.Tests;

/// <summary>The summary's rates line: what each kind of run is measured by.</summary>
public class RunSummaryTests
{
    private static RunResult Run(Dictionary<RunCounter, long> counters, double throughput = 0) => RunResultBuilder.Build(new RunMeasurements
    {
        Profile = "p",
        Broker = "mqtt://127.0.0.1:1",
        StartedUtc = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc),
        Seconds = 10,
        SessionsPlanned = 2,
        Counters = counters.ToDictionary(c => c.Key.Name(), c => c.Value),
        Throughput = throughput,
    });

    [Fact]
    public void ASubscriberOnlyRunReportsWhatItReceivedPerSecond()
    {
        RunResult result = Run(new() { [RunCounter.SessionsConnected] = 2, [RunCounter.Subscribers] = 2, [RunCounter.Received] = 105 });

        Assert.Equal("Received 10 msg/s, error rate 0.000 %.", RunSummary.Rates(result));
    }

    [Fact]
    public void APublisherRunReportsAcknowledgementsAndASubscriberAlsoWhatArrived()
    {
        RunResult result = Run(new() { [RunCounter.Publishers] = 1, [RunCounter.Subscribers] = 1, [RunCounter.Received] = 200 }, throughput: 20);

        Assert.Equal("Throughput 20 msg/s acknowledged, received 20 msg/s, error rate 0.000 %.", RunSummary.Rates(result));
    }
}
