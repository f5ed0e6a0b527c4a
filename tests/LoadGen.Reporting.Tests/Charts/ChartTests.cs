using LoadGen.Engine;
using SkiaSharp;

namespace LoadGen.Reporting.Tests;

/// <summary>
/// Every chart renders from a fixed-seed result: the expected size, not blank, and with its title and axis labels
/// really drawn. Without a usable font ScottPlot drops text silently, so the PNG itself is checked for text pixels,
/// not only the SVG's text elements.
/// </summary>
public class ChartTests
{
    public static TheoryData<string> ChartNames => new(RunCharts.All(SampleResults.Fixed()).Select(c => c.Name).Append("compare-latency"));

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void EveryChartRendersAtItsSizeWithVisibleTitleAndAxisLabels(string name)
    {
        RunResult result = SampleResults.Fixed();
        Chart chart = name == "compare-latency"
            ? RunCharts.CompareDistributions(result, SampleResults.Fixed(latencyScale: 1.3), "baseline", "candidate")
            : RunCharts.All(result).Single(c => c.Name == name);

        using SKBitmap png = SKBitmap.Decode(chart.Png());
        Assert.Equal((Chart.Width, Chart.Height), (png.Width, png.Height));

        // Not blank: plenty of colours and of pixels that are not the white background.
        var colours = new HashSet<SKColor>();
        int inked = 0;
        for (int y = 0; y < png.Height; y += 2)
        {
            for (int x = 0; x < png.Width; x += 2)
            {
                SKColor c = png.GetPixel(x, y);
                colours.Add(c);
                inked += c.Red + c.Green + c.Blue < 600 ? 1 : 0;
            }
        }

        Assert.True(colours.Count > 20, $"{name}: only {colours.Count} colours");
        Assert.True(inked > png.Width * png.Height / 4 / 100, $"{name}: only {inked} inked pixels of {png.Width * png.Height / 4}");

        // Text drawn where the title (top), the x-axis label (bottom) and the y-axis label (left edge) go.
        Assert.True(DarkPixels(png, png.Width / 4, 0, png.Width * 3 / 4, 30) > 50, $"{name}: no title drawn");
        Assert.True(DarkPixels(png, png.Width / 4, png.Height - 22, png.Width * 3 / 4, png.Height) > 50, $"{name}: no x-axis label drawn");
        Assert.True(DarkPixels(png, 0, png.Height / 4, 22, png.Height * 3 / 4) > 50, $"{name}: no y-axis label drawn");

        string svg = chart.Plot.GetSvgXml(Chart.Width, Chart.Height);
        Assert.Contains(chart.Plot.Axes.Bottom.Label.Text, svg, StringComparison.Ordinal);
        Assert.Contains(chart.Plot.Axes.Left.Label.Text, svg, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDistributionChartsPlaceThePercentileOnALogAxis()
    {
        Chart chart = RunCharts.Distribution(SampleResults.Fixed(), response: true);
        string svg = chart.Plot.GetSvgXml(Chart.Width, Chart.Height);
        foreach (string tick in new[] { "90%", "99%", "99.9%", "99.99%", "99.999%" })
        {
            Assert.Matches($@">\s*{System.Text.RegularExpressions.Regex.Escape(tick)}\s*<", svg);
        }

        Assert.Contains("QoS 1 PUBLISH", svg, StringComparison.Ordinal);
        Assert.Contains("end to end", svg, StringComparison.Ordinal);
    }

    private static int DarkPixels(SKBitmap png, int x0, int y0, int x1, int y1)
    {
        int dark = 0;
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                SKColor c = png.GetPixel(x, y);
                dark += c.Red + c.Green + c.Blue < 200 ? 1 : 0;
            }
        }

        return dark;
    }
}
