using System.Diagnostics;
using System.Text.Json;

namespace LoadGen.Cli.Tests.Verdicts;

/// <summary>One <c>loadgen</c> run into a fresh folder, with what a test asserts on: exit code, output, result.json.</summary>
internal sealed record VerdictRun(int ExitCode, string Output, string Error, string Folder, JsonElement Result, long PeakResidentBytes)
{
    /// <summary>Runs <c>loadgen</c> with <paramref name="args"/> plus <c>--out</c>/<c>--name</c>, and reads what it wrote.</summary>
    public static VerdictRun Of(params string[] args)
    {
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-verdict-{Guid.NewGuid():N}");
        using Process process = LoadgenProcess.Start([.. args, "--out", output, "--name", "run"]);

        // The peak resident set of the whole loadgen process, sampled while it runs (its VmHWM is gone once it exits).
        long peak = 0;
        Task sampler = Task.Run(async () =>
        {
            string status = $"/proc/{process.Id}/status";
            while (!process.HasExited)
            {
                try
                {
                    string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                    if (line is not null)
                    {
                        peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // The process ended between the look and the read.
                }

                await Task.Delay(20);
            }
        });
        (int exit, string stdout, string stderr) = LoadgenProcess.Finish(process);
        sampler.Wait(TimeSpan.FromSeconds(5));
        string folder = Path.Combine(output, "run");
        string json = Path.Combine(folder, "result.json");
        Assert.True(File.Exists(json), $"no result.json (exit {exit}):\n{stdout}\n{stderr}");
        foreach (string file in new[] { "summary.md", "timeseries.csv", "latency.hlog" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"no {file}");
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(json));
        return new VerdictRun(exit, stdout, stderr, folder, document.RootElement.Clone(), peak);
    }

    public long Counter(string name) => Result.GetProperty("counters").TryGetProperty(name, out JsonElement v) ? v.GetInt64() : 0;

    public IReadOnlyDictionary<string, long> Errors =>
        Result.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    public string? PartialReason => Result.GetProperty("partial_reason").GetString();

    /// <summary>The named default rule's outcome.</summary>
    public (bool Passed, string Text) Rule(string name)
    {
        JsonElement rule = Result.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == name);
        return (rule.GetProperty("passed").GetBoolean(), rule.GetProperty("text").GetString()!);
    }

    public string Summary => File.ReadAllText(Path.Combine(Folder, "summary.md"));

    /// <summary>Everything printed, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
