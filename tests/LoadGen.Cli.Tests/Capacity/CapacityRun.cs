using System.Diagnostics;
using System.Text.Json;

namespace LoadGen.Cli.Tests.Capacity;

/// <summary>
/// The capacity searches run alone: each step's verdict depends on the generator keeping its schedule, which other
/// tests' processes competing for this machine's two cores would disturb.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CapacityCollection
{
    public const string Name = "capacity searches";
}

/// <summary>One <c>loadgen capacity</c> into a fresh folder: exit code, output, and the capacity section of result.json.</summary>
internal sealed record CapacityRun(int ExitCode, string Output, string Folder, JsonElement Result, TimeSpan Took)
{
    /// <summary>
    /// Runs <c>loadgen capacity</c> with <paramref name="args"/>; <paramref name="started"/> sees the process once it prints a
    /// line starting with <paramref name="when"/> (by default the first, saying what it will search). Waits without blocking a pool thread: the test broker in this process paces its
    /// acknowledgements on the pool, and a pool short of a thread stalls it for the second the pool takes to add one.
    /// </summary>
    public static async Task<CapacityRun> OfAsync(string[] args, Action<Process>? started = null, string when = "capacity: ")
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-capacity-{Guid.NewGuid():N}");
        var clock = Stopwatch.StartNew();
        using Process process = LoadgenProcess.Start(["capacity", .. args, "--out", output, "--name", "search"]);
        var stdout = new System.Text.StringBuilder();
        var announced = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stdout)
            {
                stdout.AppendLine(e.Data);
            }

            if (e.Data.StartsWith(when, StringComparison.Ordinal))
            {
                announced.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (started is not null && await Task.WhenAny(announced.Task, Task.Delay(TimeSpan.FromSeconds(60))) == announced.Task)
        {
            started(process);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"loadgen capacity did not finish within 4 minutes:\n{stdout}");
        }

        string folder = Path.Combine(output, "search");
        string json = Path.Combine(folder, "result.json");
        Assert.True(File.Exists(json), $"no result.json (exit {process.ExitCode}):\n{stdout}\n{stderr.Result}");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(json));
        return new CapacityRun(process.ExitCode, stdout + await stderr, folder, document.RootElement.Clone(), clock.Elapsed);
    }

    public JsonElement Capacity => Result.GetProperty("capacity");

    public double MaxRate => Capacity.GetProperty("max_rate").GetDouble();

    public string LimitedBy => Capacity.GetProperty("limited_by").GetString()!;

    public bool Confirmed => Capacity.GetProperty("confirmed").GetBoolean();

    public IReadOnlyList<JsonElement> Steps => [.. Capacity.GetProperty("steps").EnumerateArray()];

    public override string ToString() => $"exit {ExitCode}, {Folder}:\n{Output}";
}
