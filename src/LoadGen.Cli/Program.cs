using System.CommandLine;
using LoadGen.Cli;

// loadgen run <profile> | conn | pub | sub | report <run> | compare <baseline> <candidate> | merge <shard runs>
// | bench [--quick] [compare|baseline|trend] | loops | qos | capacity [<profile>] | calibrate | proxy. Exit codes: 0 every SLO held, 1 an SLO failed, 2 bad usage or a bad profile.
// Console opens stdout lazily; touch it now, before thousands of sockets use up descriptors (../shared/FACTS.md).
Console.Out.Flush();
var root = new RootCommand("LoadGen: an MQTT load generator and benchmark suite.")
{
    RunCommand.Create(),
    QuickCommands.Connections(),
    QuickCommands.Publishers(),
    QuickCommands.Subscribers(),
    ReportCommands.Report(),
    ReportCommands.Compare(),
    ReportCommands.Merge(),
    BenchCommand.Create(),
    LoopsCommand.Create(),
    QosCommand.Create(),
    CapacityCommand.Create(),
    FaultCommands.Calibrate(),
    FaultCommands.Proxy(),
};
// Ctrl+C and SIGTERM cancel the run, which then writes what it gathered, charts and report included. The default of
// two seconds before the process is ended anyway can cut that short, and a --workers parent must also wait for its
// workers' results and merge them.
ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Bad usage is exit 2 with one line per mistake and where to look, not the whole help text (System.CommandLine's
    // default prints the help and exits 1).
    string command = string.Join(' ', parsed.CommandResult.Command == root ? [] : new[] { parsed.CommandResult.Command.Name });
    foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
    {
        Console.Error.WriteLine($"loadgen{(command.Length > 0 ? " " + command : "")}: {error.Message.ReplaceLineEndings(" ").Trim()}");
    }

    Console.Error.WriteLine($"Try 'loadgen {(command.Length > 0 ? command + " " : "")}--help'.");
    return 2;
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) });
