using LoadGen.Cli.Tests.Verdicts;

namespace LoadGen.Cli.Tests.Engine;

/// <summary>
/// <c>pub -I 0</c>, emqtt-bench's "as fast as acknowledgements allow": every session keeps <c>-F</c> messages in
/// flight, on the event loops (the default) and on the shared asynchronous model (<c>--loops 0</c>) alike.
/// </summary>
public class ClosedLoopTests
{
    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    public async Task PubWithNoIntervalKeepsTheWindowFullAndEveryMessageIsAcknowledged(string loops)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        VerdictRun run = VerdictRun.Of("pub", "--broker", $"mqtt://127.0.0.1:{broker.Port}", "-c", "4", "-q", "1", "-I", "0", "-F", "8",
            "-t", "closed/%i", "--duration", "2s", "--loops", loops);

        Assert.True(run.ExitCode == 0, run.ToString());
        // Four sessions with eight in flight each, for two seconds on loopback: thousands, never a handful.
        Assert.True(run.Counter("sent") > 1000, run.ToString());
        Assert.Equal(run.Counter("sent"), run.Counter("acknowledged"));
        Assert.Equal(0, run.Counter("backlogged"));
    }

    [Fact]
    public void NoIntervalWithAMessageLimitIsRefusedNamingTheFlag()
    {
        (int exit, string output, string error) = LoadgenProcess.Run("pub", "-c", "1", "-t", "a", "-q", "1", "-I", "0", "-L", "10", "--broker", "mqtt://127.0.0.1:1");

        Assert.True(exit == 2, output + error);
        Assert.Contains("-L: with -I 0 a session sends as fast as acknowledgements allow", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoIntervalAtQoS0IsRefusedBecauseNothingAcknowledgesIt()
    {
        (int exit, string output, string error) = LoadgenProcess.Run("pub", "-c", "1", "-t", "a", "-I", "0", "-q", "0", "--broker", "mqtt://127.0.0.1:1");

        Assert.True(exit == 2, output + error);
        Assert.Contains("-I 0: sends are paced by acknowledgements, and QoS 0 has none", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ANegativeLoopCountIsRefused()
    {
        (int exit, string output, string error) = LoadgenProcess.Run("pub", "-c", "1", "-t", "a", "--loops", "-1", "--broker", "mqtt://127.0.0.1:1");

        Assert.True(exit == 2, output + error);
        Assert.Contains("--loops: -1 is out of range; allowed: 0 (the shared asynchronous model) to 256", error, StringComparison.Ordinal);
    }
}
