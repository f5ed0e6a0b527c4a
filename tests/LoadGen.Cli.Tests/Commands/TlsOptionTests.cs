namespace LoadGen.Cli.Tests;

/// <summary>The TLS options on the command line: skipping verification is loud, and a bad file is named.</summary>
public class TlsOptionTests
{
    [Fact]
    public void InsecureWarnsOnStandardError()
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-cli-out-{Guid.NewGuid():N}");
        // Nothing listens on the port: the run fails, but the warning comes first, whatever happens next.
        (int exit, string stdout, string error) = LoadgenProcess.Run("conn", "-c", "2", "-i", "1", "--hold", "1s",
            "--broker", $"mqtts://127.0.0.1:{FreePort.Next()}", "--insecure", "--out", output);

        Assert.Contains("warning: --insecure: the broker's TLS certificate is not verified", error, StringComparison.Ordinal);
        Assert.DoesNotContain("--insecure", stdout, StringComparison.Ordinal);
        Assert.Equal(1, exit);
    }

    [Fact]
    public void AMissingCaFileIsNamed()
    {
        (int exit, _, string error) = LoadgenProcess.Run("conn", "-c", "1", "--broker", "mqtts://127.0.0.1:8883", "--ca", "/nonexistent/ca.pem");

        Assert.Equal(2, exit);
        Assert.Contains("--ca: /nonexistent/ca.pem does not exist", error, StringComparison.Ordinal);
    }
}
