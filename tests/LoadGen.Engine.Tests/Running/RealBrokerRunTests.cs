using System.Diagnostics;

namespace LoadGen.Engine.Tests.Running;

/// <summary>The runner against a real mosquitto, including a broker that stops answering for half a second.</summary>
public class RealBrokerRunTests
{
    private static LoadProfile Profile(string rate, string during) => ProfileLoader.Parse($$"""
        name: real
        duration: 20s
        groups:
          - name: pubs
            role: publisher
            sessions: 5
            topic: "real/%i"
            qos: 1
            payload: 64
            stages: [ { inject: { rate: {{rate}}, during: {{during}} } } ]
          - name: sub
            role: subscriber
            sessions: 1
            subscriptions: [ { filter: "real/#", qos: 1 } ]
        """, "real.yaml");

    [Fact]
    public async Task AProfileRunsAgainstMosquittoByUrlAndLosesNothingAtQoS1()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        RunResult result = await LoadRunner.RunAsync(Profile("300/s", "2s"), new RunOptions { Broker = $"mqtt://127.0.0.1:{broker.Port}" }, CancellationToken.None);
        Assert.Equal(6, result.Counters["sessions_connected"]);
        Assert.True(result.Counters["sent"] >= 550, $"sent {result.Counters["sent"]}");
        Assert.Equal(result.Counters["sent"], result.Counters["acknowledged"]);
        Assert.Equal(result.Counters["sent"], result.Counters["received"]);
        Assert.Equal(0, result.Counters["lost"]);
    }

    [Fact]
    public async Task ABrokerStalledWithSigstopShowsInResponseTimeAndNotInServiceTime()
    {
        // 1,000 msg/s over 5 sessions with 16 in flight each: while mosquitto is stopped the 80 window slots fill in
        // 80 ms, and the ~420 messages due in the rest of the stall wait in the generator. They are sent quickly once
        // it resumes (short service time), but late against their intended time (long response time).
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        Task<RunResult> run = LoadRunner.RunAsync(Profile("1000/s", "3s"), new RunOptions { Broker = $"mqtt://127.0.0.1:{broker.Port}" }, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // connected and publishing by now
        Signal("STOP", broker.Pid);
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the stall itself: the point of the test, not a race workaround
        Signal("CONT", broker.Pid);
        RunResult result = await run;

        LatencySummary service = result.Service["qos1"];
        LatencySummary response = result.Response["qos1"];
        Assert.True(response.Max >= 400_000, $"response max {response.Max} µs");
        Assert.True(response.P90 >= 10 * service.P90, $"response p90 {response.P90} µs, service p90 {service.P90} µs");
        Assert.True(result.Counters["backlogged"] > 0);
    }

    private static void Signal(string signal, int pid)
    {
        using Process kill = Process.Start("kill", $"-{signal} {pid}")!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
