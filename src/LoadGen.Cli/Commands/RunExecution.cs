using LoadGen.Engine;
using LoadGen.Reporting;

namespace LoadGen.Cli;

/// <summary>What every command that runs load shares: the run folder, progress, the result files and the exit code.</summary>
internal static class RunExecution
{
    /// <summary>Runs <paramref name="profile"/>, writes its results and returns the exit code (0 pass, 1 an SLO failed).</summary>
    public static async Task<int> RunAsync(LoadProfile profile, string? broker, TimeSpan? duration, string outputRoot, CancellationToken cancellationToken)
    {
        int planned = profile.Groups.Sum(g => g.Sessions);
        ulong? files = FileLimit.Raise();
        if (files is { } limit && (ulong)planned + FileLimit.Reserve > limit)
        {
            // Past the limit connects fail with TooManyOpenSockets, and so does loading an assembly or writing results.
            Console.Error.WriteLine($"{planned} sessions need about {(ulong)planned + FileLimit.Reserve} open files, and this process may open {limit}. " +
                $"Raise the limit (ulimit -n {(ulong)planned + FileLimit.Reserve}, as root if the hard limit is lower), or run fewer sessions per process.");
            return 2;
        }

        DateTime started = DateTime.UtcNow;
        string folder = ResultWriter.CreateRunFolder(outputRoot, profile.Name, started);
        Console.WriteLine($"loadgen: {profile.Name} on {broker ?? profile.Broker}, {planned} sessions, {(duration ?? profile.Duration).TotalSeconds:0.#} s -> {folder}");
        using var progress = LiveProgress.Create(planned);
        var options = new RunOptions
        {
            Broker = broker,
            Duration = duration,
            OutputFolder = folder,
            ProfileText = profile.Text,
            Progress = progress.Show,
        };

        RunResult result;
        try
        {
            result = await LoadRunner.RunAsync(profile, options, cancellationToken);
        }
        finally
        {
            progress.Dispose();
        }

        // Written even when the run was cut short: Ctrl+C and a dead broker leave a result marked partial.
        ResultWriter.Write(result, folder);
        Console.WriteLine();
        Console.WriteLine(ResultWriter.Summary(result));
        TryReport(result, folder);
        Console.WriteLine($"results: {folder}");
        return result.Passed ? 0 : 1;
    }

    /// <summary>Writes the charts and report.html; a failure here is reported and leaves the result files as they are.</summary>
    public static bool TryReport(RunResult result, string folder)
    {
        try
        {
            string report = ReportBuilder.Write(result, folder);
            Console.WriteLine($"report: {report}");
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"report: not written: {ex.Message} (result.json and summary.md are; 'loadgen report {folder}' retries)");
            return false;
        }
    }
}
