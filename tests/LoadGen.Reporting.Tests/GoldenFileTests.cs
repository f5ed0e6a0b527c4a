using System.Globalization;
using LoadGen.Engine;

namespace LoadGen.Reporting.Tests;

/// <summary>
/// summary.md and timeseries.csv against checked-in golden files, produced under a culture that writes decimal
/// commas: both must come out in the invariant culture. Set UPDATE_GOLDEN=1 to rewrite the files after a deliberate change.
/// </summary>
public class GoldenFileTests
{
    [Theory]
    [InlineData("summary.md")]
    [InlineData("timeseries.csv")]
    public void OutputMatchesTheGoldenFileWhateverTheCulture(string file)
    {
        CultureInfo before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        string actual;
        try
        {
            Assert.Equal("1,5", 1.5.ToString(CultureInfo.CurrentCulture));
            RunResult result = SampleResults.Fixed();
            actual = file == "summary.md" ? RunSummary.Summary(result) : RunSummary.TimeSeriesCsv(result.Timeline);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }

        string golden = Path.Combine(AppContext.BaseDirectory, "Golden", file);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceFolder(), "Golden", file), actual);
            return;
        }

        Assert.Equal(File.ReadAllText(golden), actual);
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
