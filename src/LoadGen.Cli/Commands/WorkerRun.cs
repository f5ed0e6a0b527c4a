using LoadGen.Reporting;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LoadGen.Engine;

namespace LoadGen.Cli;

/// <summary>
/// <c>loadgen run --workers N</c>: N local processes, each running shard i/N of the profile from a common start time,
/// then one merged result. The parent holds no session itself; it starts the embedded broker when the profile uses
/// it, so every shard talks to the same one.
/// </summary>
internal static partial class WorkerRun
{
    // Sessions per worker when the count is chosen automatically: under the 20,000 descriptor limit with room for
    // what the runtime, the logs and the results need.
    private const int SessionsPerWorker = 18_000;

    /// <summary>How many workers <paramref name="sessions"/> need under an open-file limit of <paramref name="fileLimit"/>.</summary>
    public static int CountFor(int sessions, ulong fileLimit)
    {
        int perWorker = (int)Math.Min(SessionsPerWorker, Math.Max(1, (long)fileLimit - (long)FileLimit.Reserve - 400));
        return Math.Max(2, (sessions + perWorker - 1) / perWorker);
    }

    public static async Task<int> RunAsync(LoadProfile profile, RunSettings settings, int workers, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(profile.Text))
        {
            Console.Error.WriteLine("--workers: this command's profile has no text to hand to the worker processes");
            return 2;
        }

        if (settings.Metrics is { } metrics && metrics.Port + workers > 65_535)
        {
            Console.Error.WriteLine($"--metrics: workers serve on ports {metrics.Port + 1} to {metrics.Port + workers}, past 65535; allowed: a lower port");
            return 2;
        }

        string folder = RunExecution.CreateFolder(settings, profile.Name);
        string shards = Path.Combine(folder, "shards");
        Directory.CreateDirectory(shards);
        // The profile as run, masked, for the record. The workers load the original file with the same overrides
        // (the masked text would lose credentials); a profile built from flags has no file and no credentials.
        File.WriteAllText(Path.Combine(folder, "profile.yaml"), profile.Text);
        bool fromFile = File.Exists(profile.SourceFile);
        string profilePath = fromFile ? Path.GetFullPath(profile.SourceFile) : Path.Combine(folder, "profile.yaml");
        IReadOnlyList<string> overrides = fromFile ? profile.Overrides : [];

        EmbeddedBroker? embedded = null;
        string? broker = settings.Broker;
        if (broker is null && profile.Broker == "embedded")
        {
            embedded = await EmbeddedBroker.StartAsync();
            broker = $"mqtt://127.0.0.1:{embedded.Port}";
        }

        // Far enough ahead for every worker to start and load its code; the shards then begin within milliseconds.
        DateTimeOffset startAt = settings.StartAt ?? DateTimeOffset.UtcNow.AddSeconds(3 + workers);
        Console.WriteLine($"loadgen: {profile.Name} as {workers} worker processes on {broker ?? profile.Broker}, starting together at " +
            $"{startAt.UtcDateTime:HH:mm:ss.fff} UTC -> {folder} (worker output: {shards}/shard-<i>.log)");

        var running = new List<(Process Process, Task Output)>();
        try
        {
            try
            {
                for (int i = 0; i < workers; i++)
                {
                    running.Add(Start(i, workers, profilePath, overrides, shards, broker, startAt, settings));
                }
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                // One worker could not start: the others would run a partial load, so none does.
                foreach ((Process process, _) in running)
                {
                    process.Kill();
                }

                Console.Error.WriteLine($"--workers: worker {running.Count} did not start: {ex.Message}");
                return 2;
            }

            // Ctrl+C reaches the workers from the terminal too; when only this process is cancelled, pass it on, so
            // each worker still writes what it gathered.
            using CancellationTokenRegistration forward = cancellationToken.Register(() =>
            {
                foreach ((Process process, _) in running)
                {
                    Interrupt(process);
                }
            });
            foreach ((Process process, Task output) in running)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                await output;
                Console.WriteLine($"  worker {running.FindIndex(r => r.Process == process)}/{workers} exited with {process.ExitCode}");
            }
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }

        List<string> done = Enumerable.Range(0, workers).Select(i => Path.Combine(shards, $"shard-{i}"))
            .Where(d => File.Exists(Path.Combine(d, "result.json"))).ToList();
        if (done.Count < workers)
        {
            Console.Error.WriteLine($"{workers - done.Count} of {workers} workers left no result; see {shards}/shard-<i>.log");
            if (done.Count == 0)
            {
                return 2;
            }
        }

        RunResult merged = ShardMerge.MergeTo(done, folder, missing: done.Count < workers ? $"{workers - done.Count} of {workers} workers left no result" : null);
        RunSummary.Write(merged, folder);

        return RunExecution.Finish(merged, folder);
    }

    private static (Process, Task) Start(int index, int workers, string profilePath, IReadOnlyList<string> overrides, string shards, string? broker,
        DateTimeOffset startAt, RunSettings settings)
    {
        // Under `dotnet loadgen.dll` the process is dotnet itself; the assembly path comes first then.
        string self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(WorkerRun).Assembly.Location);
        }

        var args = new List<string>
        {
            "run", profilePath, "--shard", $"{index}/{workers}", "--start-at", startAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            "--out", shards, "--name", $"shard-{index}",
        };
        foreach (string o in overrides)
        {
            args.AddRange(["--set", o]);
        }

        if (broker is not null)
        {
            args.AddRange(["--broker", broker]);
        }

        if (settings.Duration is { } duration)
        {
            args.AddRange(["--duration", $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"]);
        }

        if (settings.Metrics is { } metrics)
        {
            args.AddRange(["--metrics", new System.Net.IPEndPoint(metrics.Address, metrics.Port + 1 + index).ToString()]);
        }

        if (settings.Tls is { } tls)
        {
            foreach ((string option, string? file) in new[] { ("--ca", tls.CaFile), ("--cert", tls.CertificateFile), ("--key", tls.KeyFile) })
            {
                if (file is not null)
                {
                    args.AddRange([option, Path.GetFullPath(file)]);
                }
            }

            if (tls.Insecure)
            {
                args.Add("--insecure");
            }
        }

        if (settings.Loops is { } loops)
        {
            args.AddRange(["--loops", loops.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (settings.SourceSpecs.Count > 0)
        {
            // As given: a large range expanded would not fit in one argument.
            args.AddRange(["--source-ip", string.Join(',', settings.SourceSpecs)]);
        }

        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start worker {index}");
        var log = new FileStream(Path.Combine(shards, $"shard-{index}.log"), FileMode.Create, FileAccess.Write, FileShare.Read);
        Stream shared = Stream.Synchronized(log);
        Task output = Task.WhenAll(
            process.StandardOutput.BaseStream.CopyToAsync(shared),
            process.StandardError.BaseStream.CopyToAsync(shared))
            .ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
        return (process, output);
    }

    private static void Interrupt(Process process)
    {
        try
        {
            if (!process.HasExited && OperatingSystem.IsLinux())
            {
                _ = Kill(process.Id, 2);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
