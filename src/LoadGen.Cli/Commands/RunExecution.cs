using LoadGen.Engine;
using LoadGen.Reporting;

namespace LoadGen.Cli;

/// <summary>What every command that runs load shares: the run folder, progress, the result files and the exit code.</summary>
internal static class RunExecution
{
    /// <summary>
    /// Runs <paramref name="profile"/> (or the shard of it that <paramref name="settings"/> names), writes its results
    /// and returns the exit code (0 pass, 1 an SLO failed). More sessions than this process may open go to worker
    /// processes, one shard each, whose results are merged.
    /// </summary>
    public static async Task<int> RunAsync(LoadProfile profile, RunSettings settings, CancellationToken cancellationToken)
    {
        ulong? files = FileLimit.Raise();
        int planned = profile.Groups.Sum(g => g.Sessions);
        int workers = settings.Workers ?? 1;
        if (settings.Workers is null && settings.Shard.IsWhole && files is { } fileLimit && (ulong)planned + FileLimit.Reserve > fileLimit)
        {
            workers = WorkerRun.CountFor(planned, fileLimit);
            Console.WriteLine($"loadgen: {planned} sessions are more than one process may open ({fileLimit} files): " +
                $"running {workers} worker processes, one shard each, and merging their results (as --workers {workers})");
        }

        if (workers > 1)
        {
            return await WorkerRun.RunAsync(profile, settings, workers, cancellationToken);
        }

        int mine = ProfileSharding.Apply(profile, settings.Shard).Groups.Sum(g => g.Sessions);
        if (files is { } limit && (ulong)mine + FileLimit.Reserve > limit)
        {
            // Past the limit connects fail with TooManyOpenSockets, and so does loading an assembly or writing results.
            Console.Error.WriteLine($"{mine} sessions need about {(ulong)mine + FileLimit.Reserve} open files, and this process may open {limit}. " +
                $"Raise the limit (ulimit -n {(ulong)mine + FileLimit.Reserve}, as root if the hard limit is lower), or spread them with --workers.");
            return 2;
        }

        string folder = CreateFolder(settings, profile.Name);
        string share = settings.Shard.IsWhole ? "" : $", shard {settings.Shard}";
        Console.WriteLine($"loadgen: {profile.Name} on {settings.Broker ?? profile.Broker}, {mine} sessions{share}, {(settings.Duration ?? profile.Duration).TotalSeconds:0.#} s -> {folder}");
        using var progress = LiveProgress.Create(mine);
        var options = new RunOptions
        {
            Broker = settings.Broker,
            Duration = settings.Duration,
            OutputFolder = folder,
            ProfileText = profile.Text,
            Progress = progress.Show,
            Shard = settings.Shard,
            StartAt = settings.StartAt,
            SourceAddresses = settings.SourceAddresses,
            Metrics = settings.Metrics,
            Tls = settings.Tls,
            Loops = settings.Loops,
        };
        if (settings.Metrics is { } metrics)
        {
            Console.WriteLine($"loadgen: live metrics at http://{metrics}/metrics");
        }


        RunResult result;
        try
        {
            result = await LoadRunner.RunAsync(profile, options, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            // Refused before the first session: a broker name that does not resolve, a metrics port in use.
            progress.Dispose();
            Console.Error.WriteLine($"loadgen: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The engine catches its own faults mid-run; this is one before or after it could (building the result):
            // still a result.json, marked partial with the failure, never a bare stack trace.
            progress.Dispose();
            Console.Error.WriteLine($"loadgen: the run failed: {ex.GetType().Name}: {ex.Message}");
            result = RunResultBuilder.Failed(settings.Duration is { } asked ? profile with { Duration = asked } : profile, settings.Broker ?? profile.Broker, ex, mine);
        }
        finally
        {
            progress.Dispose();
        }

        // Written even when the run was cut short: Ctrl+C and a dead broker leave a result marked partial.
        RunSummary.Write(result, folder);
        int exit = Finish(result, folder);

        // A shard's SLOs hold or fail on its share only (a throughput floor always fails there); the merge judges the
        // whole run. So a shard's exit code says only whether it ran its full length, and a Kubernetes Job of shards
        // completes and lets its merge step run.
        return settings.Shard.IsWhole ? exit : result.Partial ? 1 : 0;
    }

    /// <summary>Prints the summary, writes the report and returns the exit code.</summary>
    public static int Finish(RunResult result, string folder)
    {
        Console.WriteLine();
        Console.WriteLine(RunSummary.Summary(result));
        TryReport(result, folder);
        Console.WriteLine($"results: {folder}");
        return result.Passed ? 0 : 1;
    }

    /// <summary>The run folder: <c>--out/--name</c> when a name is given, otherwise a new <c>&lt;profile&gt;-&lt;timestamp&gt;</c>.</summary>
    public static string CreateFolder(RunSettings settings, string profileName)
    {
        if (settings.Name is { } name)
        {
            string folder = Path.Combine(settings.OutputRoot, name);
            Directory.CreateDirectory(folder);
            return folder;
        }

        return ResultFile.CreateRunFolder(settings.OutputRoot, profileName, DateTime.UtcNow);
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
