namespace LoadGen.Cli.Tests;

/// <summary><c>loadgen qos</c>: one workload at QoS 0, 1 and 2 under a named fault, one comparison report.</summary>
public class QosCommandTests
{
    [Fact]
    public async Task TheSameWorkloadAtEachQoSUnderLostAcknowledgementsMakesOneReportAndKeepsTheGuarantees()
    {
        // Against mosquitto: MQTTnet.Server delivers a QoS 2 message twice when the publisher's PUBREC is lost, and
        // the audit rightly fails it (the README has the finding); mosquitto keeps the promise.
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-qos-{Guid.NewGuid():N}");
        (int exit, string stdout, string error) = LoadgenProcess.Run("qos", "--fault", "drop-acks", "--sessions", "4", "--rate", "300", "--duration", "2s",
            "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--out", output);
        Assert.True(exit == 0, stdout + error);
        string folder = Assert.Single(Directory.GetDirectories(output));
        string[] table = File.ReadAllLines(Path.Combine(folder, "qos.md"));
        Assert.Contains(table, l => l.StartsWith("| 1 | ", StringComparison.Ordinal) && l.EndsWith("| held |", StringComparison.Ordinal));
        Assert.Contains(table, l => l.StartsWith("| 2 | ", StringComparison.Ordinal) && l.EndsWith("| held |", StringComparison.Ordinal));
        Assert.Contains(table, l => l.StartsWith("| 2 | qos2.pubcomp |", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(folder, "qos.html")));
        Assert.True(File.Exists(Path.Combine(folder, "charts", "qos-cost.png")));
        Assert.True(File.Exists(Path.Combine(folder, "charts", "qos-latency.png")));
        Assert.All(new[] { "qos0", "qos1", "qos2" }, q => Assert.True(File.Exists(Path.Combine(folder, q, "result.json")), q));

        (exit, _, error) = LoadgenProcess.Run("qos", "--fault", "gremlins");
        Assert.Equal(2, exit);
        Assert.Contains("allowed: none, drop-acks", error, StringComparison.Ordinal);
    }
}
