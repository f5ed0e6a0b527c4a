using LoadGen.Client;
using System.CommandLine;
using System.Globalization;
using LoadGen.Engine;
using LoadGen.Reporting;

namespace LoadGen.Cli;

/// <summary><c>loadgen loops</c>: the same QoS 1 (or 2) workload through every client loop model, measured the same way.</summary>
internal static class LoopsCommand
{
    public static Command Create()
    {
        var broker = new Option<string?>("--broker") { Description = "A broker URL (mqtt://host:port); the default is the embedded broker, whose CPU then counts in." };
        var sessions = new Option<string>("--sessions") { Description = "Session counts, smallest first.", DefaultValueFactory = _ => "10,100,1000" };
        var windows = new Option<string>("--windows") { Description = "Windows (messages in flight per session).", DefaultValueFactory = _ => "1,16" };
        var qos = new Option<string>("--qos") { Description = "QoS levels to publish at: 1, 2 or both (1,2).", DefaultValueFactory = _ => "1" };
        var messages = new Option<int>("--messages") { Description = "Messages acknowledged per case.", DefaultValueFactory = _ => 50_000 };
        var limit = new Option<int>("--limit") { Description = "Seconds allowed per case, for connecting and again for the messages.", DefaultValueFactory = _ => 30 };
        var models = new Option<string>("--models") { Description = "Loop models: " + string.Join(", ", Enum.GetNames<LoopModel>()), DefaultValueFactory = _ => string.Join(",", Enum.GetNames<LoopModel>()) };
        var output = new Option<string>("--out") { Description = "Where the study folder goes.", DefaultValueFactory = _ => "results/loops" };
        var command = new Command("loops", "Measure what each client loop model costs: msg/s, latency, CPU, allocations, memory, threads.") { broker, sessions, windows, qos, messages, limit, models, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            LoopStudyOptions options;
            try
            {
                options = new LoopStudyOptions
                {
                    Broker = parse.GetValue(broker) ?? "embedded",
                    Sessions = Numbers(parse.GetValue(sessions)!, "--sessions"),
                    Windows = Numbers(parse.GetValue(windows)!, "--windows"),
                    Qos = Numbers(parse.GetValue(qos)!, "--qos").Select(q => q is 1 or 2 ? q : throw new FormatException($"--qos: {q} is not an acknowledged QoS level; allowed: 1, 2")).ToList(),
                    Messages = parse.GetValue(messages),
                    Limit = TimeSpan.FromSeconds(parse.GetValue(limit)),
                    Models = parse.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(m => Enum.TryParse(m, ignoreCase: true, out LoopModel model) ? model : throw new FormatException($"--models: \"{m}\" is not a loop model; allowed: {string.Join(", ", Enum.GetNames<LoopModel>())}"))
                        .ToList(),
                };
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            if (!BrokerAddress.IsValidBroker(options.Broker, out string? problem))
            {
                Console.Error.WriteLine($"--broker: {problem}");
                return 2;
            }

            if (options.Broker != "embedded" && BrokerAddress.ParseList(options.Broker) is var brokers && (brokers.Count > 1 || brokers[0].Scheme != "mqtt"))
            {
                // The loop models drive raw sockets: what they measure is plain TCP to one broker.
                Console.Error.WriteLine($"--broker: \"{options.Broker}\": the loop study runs over plain TCP to one broker; allowed: one mqtt://host:port");
                return 2;
            }

            if (FileLimit.Raise() is { } files && (ulong)options.Sessions.Max() + FileLimit.Reserve > files)
            {
                Console.Error.WriteLine($"{options.Sessions.Max()} sessions need more open files than this process may have ({files}); raise 'ulimit -n'.");
                return 2;
            }

            LoopStudyResult study = await LoopStudy.RunAsync(options, m => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{m.Model,-16} {m.Sessions,5} sessions window {m.Window,2} QoS {m.Qos}: {m.Status}, {m.MessagesPerSecond:0} msg/s, p99 {m.P99 / 1000:0.00} ms, {m.CpuMicrosecondsPerMessage:0.0} µs CPU/msg, {m.Threads} threads")), cancellationToken);
            string folder = Path.Combine(parse.GetValue(output)!, study.StartedUtc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            LoopReport.Write(study, folder);
            Console.WriteLine();
            Console.WriteLine(LoopReport.Markdown(study));
            Console.WriteLine($"loops: {folder}");
            return 0;
        });
        return command;
    }

    private static List<int> Numbers(string text, string option) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new FormatException($"{option}: \"{t}\" is not a positive whole number; allowed: a comma-separated list such as 10,100,1000"))
            .ToList();
}
