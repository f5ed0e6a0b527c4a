using System.Diagnostics;

namespace LoadGen.Cli.Tests;

/// <summary>Runs the built <c>loadgen</c> executable, as a user would, with its output captured.</summary>
internal static class LoadgenProcess
{
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loadgen.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>
    /// Waits (bounded, 30 s) until the one run folder under <paramref name="output"/> has an interval log of at least
    /// <paramref name="bytes"/>: the run has measured a few intervals and written them.
    /// </summary>
    public static async Task WaitForIntervalsAsync(string output, long bytes)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (Directory.Exists(output) && Directory.GetDirectories(output) is [var run] &&
                new FileInfo(Path.Combine(run, "latency.hlog")) is { Exists: true } log && log.Length >= bytes)
            {
                return;
            }

            await Task.Delay(100);
        }
    }

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using Process process = Start(args);
        return Finish(process);
    }

    /// <summary>Writes <paramref name="yaml"/> to a fresh temporary profile and runs <c>loadgen run &lt;it&gt; --check</c>: how the reader judges it.</summary>
    public static (int ExitCode, string Output, string Error) Check(string yaml)
    {
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-check-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, yaml);
        return Run("run", profile, "--check");
    }

    public static (int ExitCode, string Output, string Error) Finish(Process process)
    {
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("loadgen did not finish within 120 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
