namespace LoadGen.Engine.Tests.Faults;

/// <summary>Runs alone, not beside other test classes: they would add their own scheduling noise to one of the two
/// medians it compares.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CalibrationCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "calibration";
}

/// <summary>The latency numbers match a ground truth the fault proxy injects.</summary>
[Collection(CalibrationCollection.Name)]
public class CalibrationTests
{
    [Fact]
    public async Task AShortCalibrationFindsTheInjectedDelayWithinThreePercent()
    {
        // 10 ms each way rather than the command's default 5 ms: a busy CI machine's scheduling noise (a tenth of a
        // millisecond or so) is then under 1 % of what is measured, and the test checks the method, not the machine.
        CalibrationResult result = await Calibration.RunAsync(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(3), 3, "embedded", CancellationToken.None);
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.DelayedPackets > 200);
    }
}
