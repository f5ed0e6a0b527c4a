using System.Text;
using HdrHistogram;

namespace LoadGen.Engine;

/// <summary>
/// An HdrHistogram interval log written as a run goes, one batch of tagged histograms per interval, in UTF-8 (see
/// <see cref="HistogramLogFile"/> for why not the library's UTF-16). Each batch is flushed, so a run that is killed
/// still leaves every finished interval on disk.
/// </summary>
public sealed class HistogramLogStream : IDisposable
{
    private readonly Stream _destination;
    private readonly DateTime _startTime;
    private bool _headerWritten;

    /// <summary>Starts a log on <paramref name="destination"/>; <paramref name="startTime"/> is the log's base time.</summary>
    public HistogramLogStream(Stream destination, DateTime startTime)
    {
        _destination = destination;
        _startTime = startTime;
    }

    /// <summary>Appends one interval's histograms (each with its <see cref="HistogramBase.Tag"/> set) and flushes.</summary>
    public void Append(IReadOnlyList<HistogramBase> histograms)
    {
        if (histograms.Count == 0)
        {
            return;
        }

        using var batch = new MemoryStream();
        HistogramLogFile.Write(batch, _startTime, histograms.ToArray());
        string text = Encoding.UTF8.GetString(batch.GetBuffer(), 0, (int)batch.Length);
        if (_headerWritten)
        {
            // The library writes a header with every batch; the file keeps only the first.
            text = string.Concat(text.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith('"')).Select(line => line + "\n"));
        }

        _headerWritten = true;
        _destination.Write(Encoding.UTF8.GetBytes(text));
        _destination.Flush();
    }

    /// <summary>Closes the destination.</summary>
    public void Dispose() => _destination.Dispose();
}
