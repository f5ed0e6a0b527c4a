using LoadGen.Engine;

namespace LoadGen.Cli;

/// <summary>What every command that runs load shares: the run folder, progress, the result files and the exit code.</summary>
internal static class RunExecution
{
    /// <summary>Runs <paramref name="profile"/>, writes its results and returns the exit code (0 pass, 1 an SLO failed).</summary>
    public static async Task<int> RunAsync(LoadProfile profile, string? broker, TimeSpan? duration, string outputRoot, CancellationToken cancellationToken)
    {
        int planned = profile.Groups.Sum(g => g.Sessions);
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
        Console.WriteLine($"results: {folder}");
        return result.Passed ? 0 : 1;
    }
}
