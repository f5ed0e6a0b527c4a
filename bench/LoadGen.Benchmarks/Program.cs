using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Running;

// Every run writes JSON statistics (for the regression gate) and GitHub Markdown (for people). Job, filter and artifacts
// folder come from the command line, for example:
//   dotnet run -c Release --project bench/LoadGen.Benchmarks -- --job short --filter '*' --artifacts results/bench/reference
// `client-cpu` runs the client CPU-per-message benchmark against a real mosquitto instead of BenchmarkDotNet:
//   dotnet run -c Release --project bench/LoadGen.Benchmarks -- client-cpu [--seconds 5] [--artifacts DIR]
if (args.Length > 0 && args[0] == "client-cpu")
{
    // --inline-completions: socket completions run on the epoll thread instead of hopping to the thread pool, about
    // 40 % less CPU per message here (14.9 -> 8.8 µs at QoS 1). Opt-in because one run in three so far saw a connect
    // time out under it. The runtime reads the switch only from the environment at start-up: set it and run again.
    const string inline = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    if (args.Contains("--inline-completions") && Environment.GetEnvironmentVariable(inline) is null)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[inline] = "1";
        using var child = System.Diagnostics.Process.Start(start)!;
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    return await LoadGen.Benchmarks.Client.ClientCpuBenchmark.RunAsync(args[1..]);
}

IConfig config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Brief, MarkdownExporter.GitHub)
    .WithOption(ConfigOptions.JoinSummary, true);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
return 0;
