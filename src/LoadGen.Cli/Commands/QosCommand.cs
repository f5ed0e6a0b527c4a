using System.CommandLine;
using System.Globalization;
using LoadGen.Engine;
using LoadGen.Reporting;

namespace LoadGen.Cli;

/// <summary><c>loadgen qos</c>: the same workload at QoS 0, 1 and 2, with or without a named fault, in one report.</summary>
internal static class QosCommand
{
    // Named faults, as profile `faults:` sections. Sessions are persistent and retry on an interval and on reconnect,
    // so QoS 1 and 2 can keep their promises through every one of them. Under a fault the errors it causes (cut
    // connections) are the point of the run, so its default error rule is relaxed; the audit judges the promises.
    private static readonly Dictionary<string, string> Faults = new()
    {
        ["none"] = "{ }",
        ["drop-acks"] = "{ drop: [ { packet: PUBACK, direction: downstream, probability: 0.02 }, { packet: PUBREC, direction: downstream, probability: 0.02 }, { packet: PUBCOMP, direction: downstream, probability: 0.02 } ] }",
        ["delay-5ms"] = "{ delay: { upstream: 5ms, downstream: 5ms } }",
        ["jitter"] = "{ delay: { upstream: 1ms, downstream: 1ms, jitter: 4ms } }",
        ["cuts"] = "{ cut: { every: 3s } }",
        ["slow-link"] = "{ bandwidth: 100000 }",
    };

    public static Command Create()
    {
        var sessions = new Option<int>("--sessions") { Description = "Publishing sessions.", DefaultValueFactory = _ => 20 };
        var rate = new Option<int>("--rate") { Description = "Messages per second over all publishers.", DefaultValueFactory = _ => 1000 };
        var duration = new Option<string>("--duration") { Description = "How long each QoS level publishes.", DefaultValueFactory = _ => "10s" };
        var payload = new Option<int>("--payload") { Description = "Payload bytes.", DefaultValueFactory = _ => 100 };
        var fault = new Option<string>("--fault") { Description = "A named fault: " + string.Join(", ", Faults.Keys), DefaultValueFactory = _ => "none" };
        var broker = new Option<string?>("--broker") { Description = "A broker URL; the default is the embedded broker." };
        var output = new Option<string>("--out") { Description = "Where the comparison folder goes.", DefaultValueFactory = _ => "results/qos" };
        var command = new Command("qos", "Run one workload at QoS 0, 1 and 2 (optionally under a named fault) and write one comparison report.") { sessions, rate, duration, payload, fault, broker, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string name = parse.GetValue(fault)!;
            if (!Faults.TryGetValue(name, out string? faults))
            {
                Console.Error.WriteLine($"--fault: \"{name}\" is not a named fault; allowed: {string.Join(", ", Faults.Keys)}");
                return 2;
            }

            if (parse.GetValue(broker) is { } url && !BrokerAddress.IsValidBroker(url, out string? problem))
            {
                Console.Error.WriteLine($"--broker: {problem}");
                return 2;
            }

            if (!CommonOptions.TryDuration(parse.GetValue(duration)!, out TimeSpan during))
            {
                Console.Error.WriteLine($"--duration: \"{parse.GetValue(duration)}\" is not a duration such as 10s");
                return 2;
            }

            string folder = Path.Combine(parse.GetValue(output)!, $"{name}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
            var runs = new List<RunResult>();
            for (int qos = 0; qos <= 2; qos++)
            {
                string yaml = string.Create(CultureInfo.InvariantCulture, $$"""
                    name: qos{{qos}}
                    duration: {{during.TotalSeconds + 30}}s
                    faults: {{faults}}
                    groups:
                      - name: pubs
                        role: publisher
                        sessions: {{parse.GetValue(sessions)}}
                        clean_start: false
                        reconnect_delay: 200ms
                        resend_interval: 500ms
                        topic: "qos/%i"
                        qos: {{qos}}
                        payload: {{Math.Max(16, parse.GetValue(payload))}}
                        stages: [ { inject: { rate: {{parse.GetValue(rate)}}/s, during: {{during.TotalSeconds}}s } } ]
                      - name: sub
                        role: subscriber
                        sessions: 1
                        clean_start: false
                        reconnect_delay: 200ms
                        subscriptions: [ { filter: "qos/#", qos: {{qos}} } ]
                    {{(name == "none" ? "" : "slo: [ \"error_rate < 100%\" ]")}}
                    """);
                LoadProfile profile = ProfileLoader.Parse(yaml, $"loadgen qos (QoS {qos})") with { Text = yaml };
                Console.WriteLine($"qos: QoS {qos}, fault {name}");
                RunResult result = await LoadRunner.RunAsync(profile, new RunOptions { Broker = parse.GetValue(broker), ProfileText = yaml }, cancellationToken);
                RunSummary.Write(result, Path.Combine(folder, $"qos{qos}"));
                runs.Add(result);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }

            QosComparison.Write(folder, runs, name);
            Console.WriteLine(QosComparison.Markdown(runs, name));
            Console.WriteLine($"qos: {folder}");
            return runs.All(r => r.Passed) ? 0 : 1;
        });
        return command;
    }
}
