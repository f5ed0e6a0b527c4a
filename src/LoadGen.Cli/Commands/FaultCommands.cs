using System.CommandLine;
using System.Globalization;
using LoadGen.Engine;
using LoadGen.Protocol;

namespace LoadGen.Cli;

/// <summary><c>loadgen calibrate</c> and <c>loadgen proxy</c>: the fault proxy on its own.</summary>
internal static class FaultCommands
{
    public static Command Calibrate()
    {
        var delay = new Option<string>("--delay") { Description = "Delay the proxy adds each way.", DefaultValueFactory = _ => "5ms" };
        var duration = new Option<string>("--duration") { Description = "How long each of the two runs publishes.", DefaultValueFactory = _ => "10s" };
        var tolerance = new Option<double>("--tolerance") { Description = "Allowed error, percent.", DefaultValueFactory = _ => 3 };
        var broker = new Option<string?>("--broker") { Description = "A broker URL; the default is the embedded broker." };
        var command = new Command("calibrate", "Check reported latency against a known delay injected by the fault proxy (QoS 1 adds 2x, QoS 2 4x).") { delay, duration, tolerance, broker };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!CommonOptions.TryDuration(parse.GetValue(delay)!, out TimeSpan d) || !CommonOptions.TryDuration(parse.GetValue(duration)!, out TimeSpan t))
            {
                Console.Error.WriteLine("--delay and --duration take durations such as 5ms and 10s");
                return 2;
            }

            if (parse.GetValue(broker) is { } url && (!BrokerAddress.TryParse(url, out BrokerAddress? address, out string? problem) || address!.Scheme != "mqtt"))
            {
                // Calibration injects its delay through the fault proxy, which reads plain MQTT over TCP.
                Console.Error.WriteLine($"--broker: {problem ?? $"\"{url}\": calibration runs through the fault proxy over plain TCP; allowed: mqtt://host:port"}");
                return 2;
            }

            CalibrationResult result = await Calibration.RunAsync(d, t, parse.GetValue(tolerance), parse.GetValue(broker) ?? "embedded", cancellationToken);
            Console.WriteLine(result);
            return result.Passed ? 0 : 1;
        });
        return command;
    }

    public static Command Proxy()
    {
        var listen = new Option<int>("--listen") { Description = "Port to listen on (127.0.0.1).", Required = true };
        var upstream = new Option<string>("--upstream") { Description = "The broker, mqtt://host:port.", Required = true };
        var drop = new Option<string[]>("--drop") { Description = "TYPE:direction:probability, for example PUBACK:downstream:0.05; repeatable." };
        var delay = new Option<string?>("--delay") { Description = "Delay each way, for example 5ms." };
        var jitter = new Option<string?>("--jitter") { Description = "Extra uniform delay per packet, up to this." };
        var bandwidth = new Option<long>("--bandwidth") { Description = "Bytes per second per connection and direction (0: no cap)." };
        var cutEvery = new Option<string?>("--cut-every") { Description = "Cut every connection this often, for example 10s." };
        var duration = new Option<string>("--duration") { Description = "How long to run before stopping by itself.", DefaultValueFactory = _ => "10m" };
        var command = new Command("proxy", "Run the fault-injecting MQTT proxy on its own, in front of a broker.") { listen, upstream, drop, delay, jitter, bandwidth, cutEvery, duration };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!BrokerAddress.TryParse(parse.GetValue(upstream), out BrokerAddress? uri, out string? problem) || uri!.Scheme != "mqtt")
            {
                // The proxy reads MQTT packets to drop and delay them: it needs them in the clear, over TCP.
                Console.Error.WriteLine($"--upstream: {problem ?? $"\"{parse.GetValue(upstream)}\": the proxy reads plain MQTT; allowed: mqtt://host:port"}");
                return 2;
            }

            var plan = new FaultPlan { BandwidthBytesPerSecond = parse.GetValue(bandwidth) };
            try
            {
                plan = plan with
                {
                    Drops = (parse.GetValue(drop) ?? []).Select(ParseDrop).ToList(),
                    UpstreamDelay = Span(parse.GetValue(delay), "--delay"),
                    DownstreamDelay = Span(parse.GetValue(delay), "--delay"),
                    Jitter = Span(parse.GetValue(jitter), "--jitter"),
                    CutEvery = Span(parse.GetValue(cutEvery), "--cut-every"),
                };
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            TimeSpan limit = Span(parse.GetValue(duration), "--duration");
            await using FaultProxy proxy = FaultProxy.Start(uri.Host, uri.Port, plan, parse.GetValue(listen));
            Console.WriteLine($"proxy: 127.0.0.1:{proxy.Port} -> {uri.Host}:{uri.Port}; Ctrl+C or {limit.TotalSeconds:0} s to stop");
            try
            {
                await Task.Delay(limit, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: print what was done.
            }

            Console.WriteLine(string.Join(", ", proxy.Counters.Snapshot().Select(k => $"{k.Key} {k.Value}")));
            return 0;
        });
        return command;
    }

    private static DropRule ParseDrop(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length != 3 || !Enum.TryParse(parts[0], ignoreCase: true, out MqttPacketType type) ||
            parts[1] is not ("upstream" or "downstream") || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || p is < 0 or > 1)
        {
            throw new FormatException($"--drop: \"{text}\" is not TYPE:direction:probability; for example PUBACK:downstream:0.05 (direction upstream or downstream, probability 0 to 1)");
        }

        return new DropRule(type, parts[1] == "upstream" ? FaultDirection.Upstream : FaultDirection.Downstream, p);
    }

    private static TimeSpan Span(string? text, string option) =>
        text is null ? TimeSpan.Zero : CommonOptions.TryDuration(text, out TimeSpan value) ? value : throw new FormatException($"{option}: \"{text}\" is not a duration such as 5ms or 10s");
}
