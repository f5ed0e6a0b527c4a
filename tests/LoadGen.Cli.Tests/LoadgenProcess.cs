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

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using Process process = Start(args);
        return Finish(process);
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
