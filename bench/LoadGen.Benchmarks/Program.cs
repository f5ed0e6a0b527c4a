using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Running;

// Every run writes JSON statistics (for the regression gate) and GitHub Markdown (for people). Job, filter and artifacts
// folder come from the command line, for example:
//   dotnet run -c Release --project bench/LoadGen.Benchmarks -- --job short --filter '*' --artifacts results/bench/reference
IConfig config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Brief, MarkdownExporter.GitHub)
    .WithOption(ConfigOptions.JoinSummary, true);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
