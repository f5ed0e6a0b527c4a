using System.Text.Json;

namespace LoadGen.Cli.Tests;

/// <summary>The emqtt-bench style quick modes: flags become a profile, and the run writes the usual results.</summary>
public class QuickModeTests
{
    [Fact]
    public void PubWithEmqttBenchFlagsPublishesAtTheGivenIntervalAndQoS()
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        // 10 sessions, one message every 100 ms each, for 2 s: 200 messages at QoS 1, 64-byte payloads, 2 in flight.
        (int exit, string stdout, string error) = LoadgenProcess.Run("pub", "-c", "10", "-i", "5", "-I", "100", "-t", "quick/%i", "-q", "1",
            "-s", "64", "-F", "2", "--duration", "2s", "--out", output, "--slo", "error_rate < 1%");
        Assert.True(exit == 0, stdout + error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Assert.Single(Directory.GetDirectories(output)), "result.json")));
        JsonElement counters = json.RootElement.GetProperty("counters");
        Assert.Equal(200, counters.GetProperty("sent").GetInt64());
        Assert.Equal(200, counters.GetProperty("acknowledged").GetInt64());
        Assert.Equal(200, json.RootElement.GetProperty("response").GetProperty("qos1").GetProperty("count").GetInt64());
        Assert.Contains("inflight: 2", json.RootElement.GetProperty("profile_text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConnOpensAndHoldsSessionsAndSubCountsWhatArrives()
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        (int exit, string stdout, string error) = LoadgenProcess.Run("conn", "-c", "40", "-i", "2", "--hold", "1s", "--out", output);
        Assert.True(exit == 0, stdout + error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Assert.Single(Directory.GetDirectories(output)), "result.json")));
        Assert.Equal(40, json.RootElement.GetProperty("counters").GetProperty("sessions_connected").GetInt64());
        Assert.Equal(40, json.RootElement.GetProperty("response").GetProperty("connect").GetProperty("count").GetInt64());
        Assert.Contains(json.RootElement.GetProperty("timeline").EnumerateArray(), p => p.GetProperty("sessions_connected").GetInt32() == 40);

        // Nothing publishes on quick/#: the subscriptions are acknowledged and timed, and a run that received
        // nothing measured nothing, so it fails and says why.
        (exit, stdout, error) = LoadgenProcess.Run("sub", "-c", "3", "-t", "quick/#", "-q", "1", "--duration", "1s", "--out", output);
        Assert.True(exit == 1, stdout + error);
        Assert.Contains("suback", stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL delivery: subscribers received nothing", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadFlagValueExitsWith2AndSaysWhatIsAllowed()
    {
        (int exit, _, string error) = LoadgenProcess.Run("pub", "-t", "x", "-q", "3");
        Assert.Equal(2, exit);
        Assert.Contains("-q: 3 is out of range; allowed: 0, 1 or 2", error, StringComparison.Ordinal);

        (exit, _, error) = LoadgenProcess.Run("pub", "-t", "x", "-V", "3");
        Assert.Equal(2, exit);
        Assert.Contains("allowed: 4 (MQTT 3.1.1) or 5 (MQTT 5.0)", error, StringComparison.Ordinal);
    }
}
