namespace LoadGen.Reporting;

/// <summary>
/// Registers DejaVu Sans (regular and bold) with ScottPlot before any chart is drawn. Without a registered font, and
/// on a machine without the one ScottPlot looks for, every label and title vanishes from PNGs silently; titles need
/// the bold face registered under the same name (../shared/FACTS.md).
/// </summary>
public static class ChartFonts
{
    /// <summary>The family name charts use.</summary>
    public const string Family = "LoadGen Sans";

    private static readonly string[] Folders =
    [
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/dejavu",
        "/usr/local/share/fonts/dejavu",
    ];

    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>A new plot, the font registered first: the one way LoadGen's charts get a <see cref="ScottPlot.Plot"/>.</summary>
    public static ScottPlot.Plot NewPlot()
    {
        Register();
        return new ScottPlot.Plot();
    }

    /// <summary>Registers the font once; throws with the package to install when no DejaVu Sans is found.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            string? folder = Environment.GetEnvironmentVariable("LOADGEN_FONT_DIR") is { Length: > 0 } custom
                ? custom
                : Folders.FirstOrDefault(f => File.Exists(Path.Combine(f, "DejaVuSans.ttf")) && File.Exists(Path.Combine(f, "DejaVuSans-Bold.ttf")));
            if (folder is null)
            {
                throw new InvalidOperationException(
                    "Charts need DejaVu Sans (DejaVuSans.ttf and DejaVuSans-Bold.ttf) and none was found in " + string.Join(", ", Folders) +
                    ". Install it with 'apt-get install fonts-dejavu-core', or point LOADGEN_FONT_DIR at a folder holding both files.");
            }

            ScottPlot.Fonts.AddFontFile(Family, Path.Combine(folder, "DejaVuSans.ttf"), bold: false, italic: false);
            ScottPlot.Fonts.AddFontFile(Family, Path.Combine(folder, "DejaVuSans-Bold.ttf"), bold: true, italic: false);
            ScottPlot.Fonts.Default = Family;
            _registered = true;
        }
    }
}
