using System.Diagnostics;
using System.Text.RegularExpressions;
using LoadGen.Engine;
using SkiaSharp;

namespace LoadGen.Reporting.Tests;

/// <summary>
/// report.html opened in headless Chromium (Debian's <c>chromium</c>; test.sh installs it): no console message at
/// all, and a screenshot that is not blank. Without Chromium the test fails with the install command.
/// </summary>
public class HtmlReportTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public void TheReportIsOneSelfContainedFileWithTheVerdictTablesAndEveryChart()
    {
        RunResult result = SampleResults.Fixed();
        string folder = Folder();
        string html = File.ReadAllText(ReportBuilder.Write(result, folder));

        Assert.Contains("<span class=\"verdict pass\">PASS</span>", html, StringComparison.Ordinal);
        Assert.Contains("<code>p99(qos1) &lt; 50ms</code>", html, StringComparison.Ordinal);
        Assert.Equal(RunCharts.All(result).Count, Regex.Matches(html, "src=\"data:image/png;base64,").Count);
        // Nothing outside the file: every src and href is inline data.
        Assert.DoesNotMatch("(src|href)=\"(?!data:)", html);
        foreach (string metric in result.Response.Keys)
        {
            Assert.Contains($"<tr><td>{metric}</td>", html, StringComparison.Ordinal);
        }

        Assert.Contains("test-host", html, StringComparison.Ordinal);
        Assert.Contains("name: sample", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReportOpensInHeadlessChromiumWithoutConsoleMessagesAndRenders()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install it with 'apt-get install -y chromium' (test.sh does this as root)");
        string folder = Folder();
        string report = ReportBuilder.Write(SampleResults.Fixed(), folder);
        string screenshot = Path.Combine(folder, "screenshot.png");

        var start = new ProcessStartInfo(Chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", $"--user-data-dir={Path.Combine(folder, "chromium-profile")}", "--enable-logging=stderr", "--v=0",
            "--window-size=1100,2400", $"--screenshot={screenshot}", new Uri(report).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using Process chromium = Process.Start(start)!;
        Task<string> stderr = chromium.StandardError.ReadToEndAsync();
        Task<string> stdout = chromium.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await chromium.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            chromium.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 60 s");
        }

        string errors = await stderr;
        string output = await stdout;

        // Chromium logs every console message of the page as a CONSOLE line; a clean page logs none.
        string[] console = errors.Split('\n').Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal)).ToArray();
        Assert.True(console.Length == 0, "console messages: " + string.Join("\n", console));
        Assert.True(File.Exists(screenshot), "no screenshot; chromium said: " + errors + output);

        using SKBitmap shot = SKBitmap.Decode(screenshot);
        Assert.Equal(1100, shot.Width);
        int inked = 0;
        for (int y = 0; y < shot.Height; y += 3)
        {
            for (int x = 0; x < shot.Width; x += 3)
            {
                SKColor c = shot.GetPixel(x, y);
                inked += c.Red + c.Green + c.Blue < 600 ? 1 : 0;
            }
        }

        Assert.True(inked > 5_000, $"the screenshot is nearly blank: {inked} inked samples");
    }

    private static string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"loadgen-report-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
