using System.Text;
using HdrHistogram;

namespace LoadGen.Engine;

/// <summary>
/// HdrHistogram interval logs in UTF-8. The library's <see cref="HistogramLogWriter"/> writes UTF-16 with a byte order
/// mark, which the Java tools (HistogramLogAnalyzer, HdrHistogram's plotters) cannot read; this writes the same
/// format as UTF-8 without a BOM.
/// </summary>
public static class HistogramLogFile
{
    /// <summary>Writes a log: the start time, then one tagged line per histogram.</summary>
    public static void Write(Stream destination, DateTime startTime, params HistogramBase[] histograms)
    {
        using var wide = new MemoryStream();
        using (var writer = new HistogramLogWriter(wide))
        {
            writer.Write(startTime, histograms);
        }

        string text = DecodeWide(wide.ToArray());
        byte[] utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        destination.Write(utf8);
    }

    /// <summary>Reads every histogram from a log written by <see cref="Write"/> (or by the Java tools).</summary>
    public static IReadOnlyList<HistogramBase> Read(Stream source)
    {
        using var reader = new HistogramLogReader(source);
        return reader.ReadHistograms().ToList();
    }

    // The library's writer picks its own encoding; detect it from the bytes rather than assume it.
    private static string DecodeWide(byte[] bytes)
    {
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }

        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        }

        return bytes.Length > 1 && bytes[1] == 0 ? Encoding.Unicode.GetString(bytes) : Encoding.UTF8.GetString(bytes);
    }
}
