using ScottPlot;

namespace LoadGen.Reporting;

/// <summary>A chart ready to save: its file name (without extension), its title for the report, and the plot.</summary>
/// <param name="Name">The file name stem, for example <c>latency-response</c>.</param>
/// <param name="Title">What the chart shows, as the report's caption.</param>
/// <param name="Plot">The ScottPlot plot.</param>
/// <param name="PixelWidth">Width when saved.</param>
/// <param name="PixelHeight">Height when saved.</param>
public sealed record Chart(string Name, string Title, Plot Plot, int PixelWidth = Chart.Width, int PixelHeight = Chart.Height)
{
    /// <summary>Width of saved charts, in pixels.</summary>
    public const int Width = 1000;

    /// <summary>Height of saved charts, in pixels.</summary>
    public const int Height = 520;

    /// <summary>Saves <c>{Name}.png</c> and <c>{Name}.svg</c> into <paramref name="folder"/>; returns the PNG's path.</summary>
    public string Save(string folder)
    {
        Directory.CreateDirectory(folder);
        string png = Path.Combine(folder, Name + ".png");
        Plot.SavePng(png, PixelWidth, PixelHeight);
        Plot.SaveSvg(Path.Combine(folder, Name + ".svg"), PixelWidth, PixelHeight);
        return png;
    }

    /// <summary>The chart as PNG bytes.</summary>
    public byte[] Png() => Plot.GetImageBytes(PixelWidth, PixelHeight, ImageFormat.Png);
}

/// <summary>One QoS level's (or one run's) cost, for the QoS cost chart.</summary>
/// <param name="Label">What the bars are labelled, for example <c>QoS 1</c>.</param>
/// <param name="MessagesPerSecond">Acknowledged messages per second.</param>
/// <param name="P50Milliseconds">Median response time of the QoS's handshake.</param>
/// <param name="P99Milliseconds">99th percentile response time.</param>
/// <param name="CpuMicrosecondsPerMessage">Generator CPU per message, where known for this QoS alone.</param>
/// <param name="WireBytesPerMessage">Bytes on the wire per message, where known for this QoS alone.</param>
/// <param name="ResendsPerMessage">Resends (any cause) per message published at this QoS.</param>
public sealed record QosCost(string Label, double MessagesPerSecond, double P50Milliseconds, double P99Milliseconds,
    double? CpuMicrosecondsPerMessage, double? WireBytesPerMessage, double? ResendsPerMessage = null);
