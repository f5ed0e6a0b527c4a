using System.CommandLine;
using System.Globalization;
using System.Text;
using LoadGen.Engine;
using LoadGen.Protocol;

namespace LoadGen.Cli;

/// <summary>
/// The quick modes' flags, with emqtt-bench's letters and defaults where it has them, and how they become a profile:
/// <c>conn</c>, <c>pub</c> and <c>sub</c> run it; <c>capacity</c> searches its publish rate.
/// </summary>
internal sealed class QuickFlags
{
    public static string Ms(TimeSpan t) => $"{Num(t.TotalMilliseconds)}ms";

    public static string Num(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";

    /// <summary>A flag value a command's profile builder refused; its message names the flag.</summary>
    public sealed class UsageException(string message) : Exception(message);

    private readonly Option<int> _count = new("-c", "--count") { Description = "Sessions.", DefaultValueFactory = _ => 200 };
    private readonly Option<double> _interval = new("-i", "--interval") { Description = "Milliseconds between connects.", DefaultValueFactory = _ => 10 };
    private readonly Option<double> _messageInterval = new("-I", "--interval-of-msg") { Description = "Milliseconds between one session's messages; 0 sends as fast as acknowledgements allow, -F in flight per session.", DefaultValueFactory = _ => 1000 };
    private readonly Option<string?> _topic = new("-t", "--topic") { Description = "Topic (pub) or filter (sub); %i is the session index, %c the client id, %rand_N a random number below N." };
    private readonly Option<int> _qos = new("-q", "--qos") { Description = "QoS 0, 1 or 2.", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _size = new("-s", "--size") { Description = "Payload bytes (at least 16, for the timestamp).", DefaultValueFactory = _ => 256 };
    private readonly Option<int> _inflight = new("-F", "--inflight") { Description = "QoS 1/2 messages in flight per session.", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> _retain = new("-r", "--retain") { Description = "Publish every message retained." };
    private readonly Option<string?> _message = new("-m", "--message")
    {
        Description = "Payload template rendered per message, in place of -s bytes: %c client id, %g group, %i session index, %seq, %ts (Unix ms), %rand_N, %[a|b]. "
            + "Under -V 5 the stamp travels in a user property; under 3.1.1 the messages are outside the audit.",
    };
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

    public bool Retain { get; private set; }

    public string? Message { get; private set; }

    public TimeSpan Duration { get; private set; }

    public bool DurationGiven { get; private set; }

    /// <summary>True for <c>capacity</c>: the publish flags without a rate (-I) or a count (-L), and -t only when no profile is given.</summary>
    private bool _searched;

    public static QuickFlags AddTo(Command command, bool publish, bool subscribe, bool searched = false)
    {
        var flags = new QuickFlags { _searched = searched };
        flags.Own(command, flags._count);
        flags.Own(command, flags._interval);
        flags.Own(command, flags._version);
        flags.Own(command, flags._keepAlive);
        if (publish || subscribe)
        {
            flags._topic.Required = !searched;
            flags.Own(command, flags._topic);
            flags.Own(command, flags._qos);
        }

        if (publish)
        {
            if (!searched)
            {
                flags.Own(command, flags._messageInterval);
                flags.Own(command, flags._limit);
            }

            flags.Own(command, flags._size);
            flags.Own(command, flags._inflight);
            flags.Own(command, flags._retain);
            flags.Own(command, flags._message);
        }

        command.Options.Add(flags._slo);
        flags._common = CommonOptions.AddTo(command, searched);
        return flags;
    }

    // Each flag's allowed range, checked before the flags become a profile so the message names the flag.
    private string? RangeProblem(ParseResult parse)
    {
        bool publishes = parse.CommandResult.Command.Name == "pub" || _searched;
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

    public async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<QuickFlags, TimeSpan> build)
    {
        if (!TryBuild(parse, build, out LoadProfile? profile, out RunSettings? settings))
        {
            return 2;
        }

        return await RunExecution.RunAsync(profile, settings with { Duration = null }, cancellationToken);
    }

    private readonly List<Option> _own = [];

    private void Own(Command command, Option option)
    {
        command.Options.Add(option);
        _own.Add(option);
    }

    /// <summary>The flags of these given on the command line (not <c>--slo</c>, not defaults), by their first name: <c>-c</c>, <c>-q</c>.</summary>
    public IReadOnlyList<string> Given(ParseResult parse) =>
        [.. _own.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name)];

    /// <summary>
    /// The publisher group of <c>pub</c> (and of a capacity search without a profile): the sessions, topic, QoS, payload
    /// and window the flags say, publishing <paramref name="rate"/> msg/s in all for <paramref name="during"/>.
    /// </summary>
    /// <remarks>A <paramref name="rate"/> of 0 is the closed loop of <c>-I 0</c>: every session keeps <c>-F</c> messages in
    /// flight, each completion sending the next (a <c>keep_constant</c> stage).</remarks>
    public void Publishers(string name, double rate, TimeSpan during)
    {
        Group(name, "publisher");
        Line($"topic: {Quote(Topic)}");
        Line($"qos: {Qos}");
        Line(Message is null ? $"payload: {Size}" : $"payload: {{ template: {Quote(Message)} }}");
        Line($"inflight: {Inflight}");
        if (Retain)
        {
            Line("retain: true");
        }

        Line(rate == 0
            ? $"stages: [ {{ keep_constant: {{ copies: {Count}, during: {Ms(during)} }} }} ]"
            : $"stages: [ {{ inject: {{ rate: {Num(rate)}/s, during: {Ms(during)} }} }} ]");
    }

    /// <summary>True when <c>-t</c> was given.</summary>
    public bool TopicGiven(ParseResult parse) => parse.GetResult(_topic) is not null;

    /// <summary>The <c>--slo</c> values given.</summary>
    public IReadOnlyList<string> Slos(ParseResult parse) => parse.GetValue(_slo) ?? [];

    /// <summary>The common options as read (false, with the problem printed, when one is bad).</summary>
    public bool TryReadCommon(ParseResult parse, out RunSettings settings) => _common.TryRead(parse, out settings);

    /// <summary>
    /// The flags as a profile: <paramref name="build"/> adds the group's lines and returns how long the run must last;
    /// false, with the problem printed naming the flag, when a value is out of range.
    /// </summary>
    public bool TryBuild(ParseResult parse, Func<QuickFlags, TimeSpan> build, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LoadProfile? profile,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RunSettings? settings)
    {
        profile = null;
        if (!_common.TryRead(parse, out settings))
        {
            return false;
        }

        Count = parse.GetValue(_count);
        ConnectRate = 1000.0 / Math.Max(0.001, parse.GetValue(_interval));
        MessageInterval = _searched ? 1000 : parse.GetValue(_messageInterval);
        Topic = parse.GetValue(_topic) ?? "";
        Qos = parse.GetValue(_qos);
        Size = parse.GetValue(_size);
        Inflight = parse.GetValue(_inflight);
        Retain = parse.GetValue(_retain);
        Message = parse.GetValue(_message);
        if (Message is not null && parse.GetResult(_size) is { Implicit: false })
        {
            Console.Error.WriteLine("-m: a template sets the payload, so -s has nothing to size; give one of them");
            return false;
        }

        if (Message is not null)
        {
            try
            {
                MessageTemplate.Parse(Message);
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"-m: {ex.Message}");
                return false;
            }
        }
        Limit = _searched ? 0 : parse.GetValue(_limit);
        _versionValue = parse.GetValue(_version);
        _keepAliveValue = parse.GetValue(_keepAlive);
        Duration = settings.Duration ?? TimeSpan.FromSeconds(30);
        DurationGiven = settings.Duration is not null;
        if (_versionValue is not (4 or 5))
        {
            Console.Error.WriteLine($"-V: {_versionValue} is not a protocol version LoadGen speaks; allowed: 4 (MQTT 3.1.1) or 5 (MQTT 5.0)");
            return false;
        }

        if ((MessageInterval < 0 || double.IsNaN(MessageInterval)) && parse.CommandResult.Command.Name == "pub")
        {
            Console.Error.WriteLine($"-I: {MessageInterval} ms is not an interval; allowed: 0 (as fast as acknowledgements allow, -F in flight per session) or more milliseconds");
            return false;
        }

        if (MessageInterval == 0 && Qos == 0 && parse.CommandResult.Command.Name == "pub")
        {
            Console.Error.WriteLine("-I 0: sends are paced by acknowledgements, and QoS 0 has none; allowed with -q 1 or -q 2 (or give an interval)");
            return false;
        }

        if (MessageInterval == 0 && Limit > 0 && parse.CommandResult.Command.Name == "pub")
        {
            Console.Error.WriteLine("-L: with -I 0 a session sends as fast as acknowledgements allow, for --duration; a message limit needs an interval (-I above 0)");
            return false;
        }

        if (RangeProblem(parse) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return false;
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
            return false;
        }

        string command = parse.CommandResult.Command.Name;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# loadgen {string.Join(' ', parse.Tokens.Select(t => t.Value))}\n");
        // --duration is the time spent publishing or holding; the run adds the connects and a drain to it.
        text.Append(CultureInfo.InvariantCulture, $"name: {command}\nduration: {Ms(needed)}\ngroups:\n");
        text.Append(_yaml);
        IReadOnlyList<string> slos = Slos(parse);
        if (slos.Count > 0)
        {
            text.Append("slo:\n");
            foreach (string slo in slos)
            {
                text.Append(CultureInfo.InvariantCulture, $"  - {Quote(slo)}\n");
            }
        }

        try
        {
            // The flags become a profile and go through the same checks, so a bad flag value gets the same message.
            profile = ProfileLoader.Parse(text.ToString(), $"loadgen {command}");
        }
        catch (ProfileException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return false;
        }

        return true;
    }
}
