using System.CommandLine;
using System.Globalization;
using System.Text;
using LoadGen.Engine;
using LoadGen.Protocol;

namespace LoadGen.Cli;

/// <summary>
/// emqtt-bench's quick modes, with its short flags: <c>loadgen conn -c 1000 -i 5</c>, <c>loadgen pub -c 100 -I 100 -t
/// "bench/%i" -q 1 -s 256 -F 4</c>, <c>loadgen sub -c 10 -t "bench/#" -q 1</c>. Each builds a profile from its flags
/// and runs it like <c>loadgen run</c>, so it writes the same results; the profile text is kept in result.json.
/// </summary>
internal static class QuickCommands
{
    public static Command Connections()
    {
        var command = new Command("conn", "Open sessions at a connect rate and hold them (emqtt-bench conn).");
        Flags flags = Flags.AddTo(command, publish: false, subscribe: false);
        var hold = new Option<string>("--hold") { Description = "How long to hold the connections once open.", DefaultValueFactory = _ => "10s" };
        command.Options.Add(hold);
        command.SetAction((parse, cancel) => flags.RunAsync(parse, cancel, f =>
        {
            if (!CommonOptions.TryDuration(parse.GetValue(hold)!, out TimeSpan holdFor))
            {
                throw new UsageException($"--hold: \"{parse.GetValue(hold)}\" is not a duration such as 10s");
            }

            f.Group("conn", "publisher");
            if (f.DurationGiven)
            {
                holdFor = f.Duration;
            }

            f.Line("topic: \"loadgen/conn/%i\"");
            f.Line($"stages: [ {{ pause: {{ during: {Ms(holdFor)} }} }} ]");
            return TimeSpan.FromSeconds(f.Count / f.ConnectRate) + holdFor;
        }));
        return command;
    }

    public static Command Publishers()
    {
        var command = new Command("pub", "Publish from many sessions at a fixed interval each (emqtt-bench pub).");
        Flags flags = Flags.AddTo(command, publish: true, subscribe: false);
        command.SetAction((parse, cancel) => flags.RunAsync(parse, cancel, f =>
        {
            double perSession = 1000.0 / f.MessageInterval;
            TimeSpan during = f.Limit > 0 ? TimeSpan.FromMilliseconds(f.Limit * f.MessageInterval) : f.Duration;
            f.Group("pub", "publisher");
            f.Line($"topic: {Quote(f.Topic)}");
            f.Line($"qos: {f.Qos}");
            f.Line($"payload: {f.Size}");
            f.Line($"inflight: {f.Inflight}");
            f.Line($"stages: [ {{ inject: {{ rate: {Num(perSession * f.Count)}/s, during: {Ms(during)} }} }} ]");
            return TimeSpan.FromSeconds(f.Count / f.ConnectRate) + during + TimeSpan.FromSeconds(5);
        }));
        return command;
    }

    public static Command Subscribers()
    {
        var command = new Command("sub", "Subscribe many sessions and measure what arrives (emqtt-bench sub).");
        Flags flags = Flags.AddTo(command, publish: false, subscribe: true);
        command.SetAction((parse, cancel) => flags.RunAsync(parse, cancel, f =>
        {
            f.Group("sub", "subscriber");
            f.Line($"subscriptions: [ {{ filter: {Quote(f.Topic)}, qos: {f.Qos} }} ]");
            return TimeSpan.FromSeconds(f.Count / f.ConnectRate) + f.Duration;
        }));
        return command;
    }

    private static string Ms(TimeSpan t) => $"{Num(t.TotalMilliseconds)}ms";

    private static string Num(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private sealed class UsageException(string message) : Exception(message);

    // The flags, with emqtt-bench's letters and defaults where it has them.
    private sealed class Flags
    {
        private readonly Option<int> _count = new("-c", "--count") { Description = "Sessions.", DefaultValueFactory = _ => 200 };
        private readonly Option<double> _interval = new("-i", "--interval") { Description = "Milliseconds between connects.", DefaultValueFactory = _ => 10 };
        private readonly Option<double> _messageInterval = new("-I", "--interval-of-msg") { Description = "Milliseconds between one session's messages.", DefaultValueFactory = _ => 1000 };
        private readonly Option<string?> _topic = new("-t", "--topic") { Description = "Topic (pub) or filter (sub); %i is the session index, %c the client id, %rand_N a random number below N." };
        private readonly Option<int> _qos = new("-q", "--qos") { Description = "QoS 0, 1 or 2.", DefaultValueFactory = _ => 0 };
        private readonly Option<int> _size = new("-s", "--size") { Description = "Payload bytes (at least 16, for the timestamp).", DefaultValueFactory = _ => 256 };
        private readonly Option<int> _inflight = new("-F", "--inflight") { Description = "QoS 1/2 messages in flight per session.", DefaultValueFactory = _ => 1 };
        private readonly Option<long> _limit = new("-L", "--limit") { Description = "Messages per session, then stop (0: until --duration).", DefaultValueFactory = _ => 0 };
        private readonly Option<int> _version = new("-V", "--version") { Description = "MQTT protocol version: 4 (3.1.1) or 5.", DefaultValueFactory = _ => 4 };
        private readonly Option<int> _keepAlive = new("-k", "--keepalive") { Description = "Keep-alive seconds.", DefaultValueFactory = _ => 60 };
        private readonly Option<string[]> _slo = new("--slo") { Description = "An SLO, for example \"p99(qos1) < 20ms\"; repeatable." };
        private CommonOptions _common = null!;
        private readonly StringBuilder _yaml = new();

        public int Count { get; private set; }

        public double ConnectRate { get; private set; }

        public double MessageInterval { get; private set; }

        public string Topic { get; private set; } = "";

        public int Qos { get; private set; }

        public int Size { get; private set; }

        public int Inflight { get; private set; }

        public long Limit { get; private set; }

        public TimeSpan Duration { get; private set; }

        public bool DurationGiven { get; private set; }

        public static Flags AddTo(Command command, bool publish, bool subscribe)
        {
            var flags = new Flags();
            command.Options.Add(flags._count);
            command.Options.Add(flags._interval);
            command.Options.Add(flags._version);
            command.Options.Add(flags._keepAlive);
            if (publish || subscribe)
            {
                flags._topic.Required = true;
                command.Options.Add(flags._topic);
                command.Options.Add(flags._qos);
            }

            if (publish)
            {
                command.Options.Add(flags._messageInterval);
                command.Options.Add(flags._size);
                command.Options.Add(flags._inflight);
                command.Options.Add(flags._limit);
            }

            command.Options.Add(flags._slo);
            flags._common = CommonOptions.AddTo(command);
            return flags;
        }

        // Each flag's allowed range, checked before the flags become a profile so the message names the flag.
        private string? RangeProblem(ParseResult parse)
        {
            bool publishes = parse.CommandResult.Command.Name == "pub";
            bool topics = publishes || parse.CommandResult.Command.Name == "sub";
            (string Flag, double Value, double Min, double Max, string Allowed, bool Applies)[] ranges =
            [
                ("-c", Count, 1, 1_000_000, "1 to 1,000,000 sessions", true),
                ("-i", parse.GetValue(_interval), 0, 3_600_000, "0 or more milliseconds", true),
                ("-k", _keepAliveValue, 0, 65_535, "0 to 65,535 seconds (MQTT's two-byte Keep Alive)", true),
                ("-q", Qos, 0, 2, "0, 1 or 2", topics),
                ("-s", Size, PayloadStamp.Size, MqttFrameScanner.MaximumPacketSize - 1024, $"{PayloadStamp.Size} bytes (the timestamp and sequence number every message carries) or more", publishes),
                ("-F", Inflight, 1, 0xEFFF, "1 to 61,439 messages in flight", publishes),
                ("-L", Limit, 0, long.MaxValue, "0 (until --duration) or more messages per session", publishes),
            ];
            foreach ((string flag, double value, double min, double max, string allowed, bool applies) in ranges)
            {
                if (applies && (value < min || value > max || double.IsNaN(value)))
                {
                    return $"{flag}: {value.ToString(CultureInfo.InvariantCulture)} is out of range; allowed: {allowed}";
                }
            }

            return publishes && TopicTemplate.PublishProblem(Topic) is { } topic ? $"-t: {topic}" : null;
        }

        public void Group(string name, string role)
        {
            _yaml.Append(CultureInfo.InvariantCulture, $"  - name: {name}\n    role: {role}\n    sessions: {Count}\n    connect_rate: {Num(ConnectRate)}/s\n");
            _yaml.Append(CultureInfo.InvariantCulture, $"    protocol: {(_versionValue == 5 ? "\"5.0\"" : "\"3.1.1\"")}\n    keep_alive: {_keepAliveValue}s\n");
        }

        public void Line(string text) => _yaml.Append("    ").Append(text).Append('\n');

        private int _versionValue;
        private int _keepAliveValue;

        public async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<Flags, TimeSpan> build)
        {
            if (!_common.TryRead(parse, out RunSettings settings))
            {
                return 2;
            }

            Count = parse.GetValue(_count);
            ConnectRate = 1000.0 / Math.Max(0.001, parse.GetValue(_interval));
            MessageInterval = parse.GetValue(_messageInterval);
            Topic = parse.GetValue(_topic) ?? "";
            Qos = parse.GetValue(_qos);
            Size = parse.GetValue(_size);
            Inflight = parse.GetValue(_inflight);
            Limit = parse.GetValue(_limit);
            _versionValue = parse.GetValue(_version);
            _keepAliveValue = parse.GetValue(_keepAlive);
            Duration = settings.Duration ?? TimeSpan.FromSeconds(30);
            DurationGiven = settings.Duration is not null;
            if (_versionValue is not (4 or 5))
            {
                Console.Error.WriteLine($"-V: {_versionValue} is not a protocol version LoadGen speaks; allowed: 4 (MQTT 3.1.1) or 5 (MQTT 5.0)");
                return 2;
            }

            if (MessageInterval <= 0 && parse.CommandResult.Command.Name == "pub")
            {
                Console.Error.WriteLine($"-I: {MessageInterval} ms is not an interval; allowed: a number of milliseconds above 0");
                return 2;
            }

            if (RangeProblem(parse) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }

            TimeSpan needed;
            _yaml.Clear();
            try
            {
                needed = build(this);
            }
            catch (UsageException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            string command = parse.CommandResult.Command.Name;
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"# loadgen {string.Join(' ', parse.Tokens.Select(t => t.Value))}\n");
            // --duration is the time spent publishing or holding; the run adds the connects and a drain to it.
            text.Append(CultureInfo.InvariantCulture, $"name: {command}\nduration: {Ms(needed)}\ngroups:\n");
            text.Append(_yaml);
            string[] slos = parse.GetValue(_slo) ?? [];
            if (slos.Length > 0)
            {
                text.Append("slo:\n");
                foreach (string slo in slos)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  - {Quote(slo)}\n");
                }
            }

            LoadProfile profile;
            try
            {
                // The flags become a profile and go through the same checks, so a bad flag value gets the same message.
                profile = ProfileLoader.Parse(text.ToString(), $"loadgen {command}");
            }
            catch (ProfileException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            return await RunExecution.RunAsync(profile, settings with { Duration = null }, cancellationToken);
        }
    }
}
