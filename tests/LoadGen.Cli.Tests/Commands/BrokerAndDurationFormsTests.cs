namespace LoadGen.Cli.Tests;

/// <summary>
/// A profile's field, <c>--set</c> and the command-line option read broker URLs and durations through one parser
/// each (<c>BrokerAddress</c>, <c>Durations</c>): every form is accepted, or refused, the same way by all three.
/// </summary>
public class BrokerAndDurationFormsTests
{
    private static string Profile(string broker = "embedded", string duration = "5s")
    {
        string path = Path.Combine(Path.GetTempPath(), $"loadgen-forms-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            name: forms
            broker: "{broker}"
            duration: "{duration}"
            groups:
              - name: devices
                role: publisher
                sessions: 2
                topic: "forms/%i"
                rate: 1/s
            """);
        return path;
    }

    private static (int Exit, string Out, string Error)[] ThreeWays(string field, string value, string option)
    {
        string plain = Profile();
        return
        [
            LoadgenProcess.Run("run", field == "broker" ? Profile(broker: value) : Profile(duration: value), "--check"),
            LoadgenProcess.Run("run", plain, "--set", $"{field}={value}", "--check"),
            LoadgenProcess.Run("run", plain, option, value, "--check"),
        ];
    }

    [Theory]
    [InlineData("mqtt://127.0.0.1:1883")]
    [InlineData("mqtt://127.0.0.1")]
    [InlineData("mqtts://127.0.0.1:8883")]
    [InlineData("ws://127.0.0.1:8080/mqtt")]
    [InlineData("wss://127.0.0.1/mqtt")]
    [InlineData("mqtt://127.0.0.1:1883,mqtt://127.0.0.2:1883")]
    [InlineData("embedded")]
    public void EveryBrokerFormIsAcceptedByTheProfileSetAndBroker(string url)
    {
        foreach ((int exit, string stdout, string error) in ThreeWays("broker", url, "--broker"))
        {
            Assert.True(exit == 0, error);
            Assert.Contains($"broker {url},", stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:1883")]
    [InlineData("mqtt://127.0.0.1:0")]
    [InlineData("127.0.0.1:1883")]
    public void ABadBrokerIsRefusedTheSameWayByAllThree(string url)
    {
        (int Exit, string Out, string Error)[] runs = ThreeWays("broker", url, "--broker");
        Assert.All(runs, r => Assert.Equal(2, r.Exit));
        // The same reason, whichever way it came in.
        string reason = runs[2].Error.Trim()["--broker: ".Length..];
        Assert.All(runs, r => Assert.Contains(reason, r.Error, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("500us", "500 µs")]
    [InlineData("250ms", "250 ms")]
    [InlineData("1.5s", "1.5 s")]
    [InlineData("3m", "3 min")]
    [InlineData("1h", "60 min")]
    public void EveryDurationFormIsAcceptedByTheProfileSetAndDuration(string text, string shown)
    {
        foreach ((int exit, string stdout, string error) in ThreeWays("duration", text, "--duration"))
        {
            Assert.True(exit == 0, error);
            Assert.Contains($"duration {shown},", stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("10")]
    [InlineData("1,5s")]
    [InlineData("10sec")]
    [InlineData("0s")]
    public void ABadDurationIsRefusedByAllThree(string text)
    {
        Assert.All(ThreeWays("duration", text, "--duration"), r =>
        {
            Assert.Equal(2, r.Exit);
            Assert.Contains("500us, 20ms, 30s, 2m or 1h", r.Error, StringComparison.Ordinal);
        });
    }
}
