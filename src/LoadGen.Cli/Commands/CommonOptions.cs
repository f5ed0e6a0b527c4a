using System.CommandLine;
using System.Globalization;
using System.Net;
using LoadGen.Engine;

namespace LoadGen.Cli;

/// <summary>What a load command was asked for, beyond its profile.</summary>
internal sealed record RunSettings
{
    public string? Broker { get; init; }

    public TimeSpan? Duration { get; init; }

    public required string OutputRoot { get; init; }

    /// <summary>The run folder's name under <see cref="OutputRoot"/>; null for <c>&lt;profile&gt;-&lt;timestamp&gt;</c>.</summary>
    public string? Name { get; init; }

    public Shard Shard { get; init; } = Shard.Whole;

    public DateTimeOffset? StartAt { get; init; }

    /// <summary>Local shard processes to start; null to decide from the open-file limit.</summary>
    public int? Workers { get; init; }

    public IReadOnlyList<IPAddress> SourceAddresses { get; init; } = [];

    /// <summary>The <c>--source-ip</c> values as given (ranges unexpanded), to hand on to worker processes.</summary>
    public IReadOnlyList<string> SourceSpecs { get; init; } = [];

    /// <summary>TLS for mqtts:// and wss:// brokers.</summary>
    public LoadGen.Client.TlsSettings? Tls { get; init; }

    /// <summary>Where to serve live Prometheus metrics; with workers, worker i serves on the next port plus i.</summary>
    public IPEndPoint? Metrics { get; init; }

    /// <summary>Event-loop threads (<c>--loops</c>): null for one per core, 0 for the shared asynchronous model.</summary>
    public int? Loops { get; init; }
}

/// <summary>
/// The options every load command has: where the broker is and the results go, how long, and how the sessions are
/// spread (shards, worker processes, source addresses).
/// </summary>
internal sealed class CommonOptions
{
    private readonly Option<string?> _broker = new("--broker") { Description = "A broker URL: mqtt://host:port, mqtts://host:port (TLS), ws://host:port/path or wss://host:port/path (WebSocket); several separated by commas (session i uses broker i % count). The default is the embedded broker." };
    private readonly Option<string?> _ca = new("--ca") { Description = "PEM file of the CA certificate(s) that sign the broker's certificate (default: the system's trust store)." };
    private readonly Option<string?> _cert = new("--cert") { Description = "PEM file of a client certificate, for brokers that require one." };
    private readonly Option<string?> _key = new("--key") { Description = "PEM file of the client certificate's private key." };
    private readonly Option<bool> _insecure = new("--insecure") { Description = "Do not verify the broker's TLS certificate (warns: the connection is open to interception)." };
    private readonly Option<string?> _duration = new("--duration") { Description = "How long to run, for example 20s (overrides the profile)." };
    private readonly Option<string> _out = new("--out") { Description = "Where run folders go.", DefaultValueFactory = _ => "results" };
    private readonly Option<string?> _name = new("--name") { Description = "The run folder's name under --out (default: <profile>-<timestamp>)." };
    private readonly Option<string?> _shard = new("--shard") { Description = "Run shard i of N of the profile (i/N): its share of every group's sessions, client ids and rates." };
    private readonly Option<string?> _startAt = new("--start-at") { Description = "Start at this RFC 3339 time (for example 2026-11-27T12:00:00Z), so shards on several machines begin together." };
    private readonly Option<int?> _workers = new("--workers") { Description = "Run the profile as N local shard processes and merge their results (automatic when the sessions exceed one process's open-file limit)." };
    private readonly Option<string?> _metrics = new("--metrics") { Description = "Serve live Prometheus metrics at host:port during the run, for example 127.0.0.1:9464 (GET /metrics); with --workers, worker i serves on port + 1 + i." };
    private readonly Option<int?> _loops = new("--loops") { Description = "Event-loop threads serving the plain TCP sessions (epoll, Linux): default one per core; 0 runs every session on the shared asynchronous model instead. TLS and WebSocket sessions always use the asynchronous model." };
    private readonly Option<string[]> _sourceIp = new("--source-ip") { Description = "Source addresses to connect from, spread over the sessions: a list or ranges, for example 127.0.0.2-127.0.0.9 (emqtt-bench --ifaddr).", AllowMultipleArgumentsPerToken = true };

    private readonly HashSet<Option> _added = [];

    /// <summary>
    /// Adds the options to <paramref name="command"/>; <paramref name="searched"/> leaves out those of a run of fixed
    /// shape (<c>--duration</c>, <c>--shard</c>, <c>--start-at</c>, <c>--workers</c>, <c>--metrics</c>), which a capacity
    /// search, one process choosing each step's rate from the last one's verdict, sets itself.
    /// </summary>
    public static CommonOptions AddTo(Command command, bool searched = false)
    {
        var options = new CommonOptions();
        Option[] fixedShape = [options._duration, options._shard, options._startAt, options._workers, options._metrics];
        foreach (Option option in new Option[] { options._broker, options._duration, options._out, options._name, options._shard, options._startAt, options._workers, options._sourceIp, options._metrics, options._loops, options._ca, options._cert, options._key, options._insecure })
        {
            if (!searched || !fixedShape.Contains(option))
            {
                command.Options.Add(option);
                options._added.Add(option);
            }
        }

        return options;
    }

    // An option this command does not have reads as unset.
    private T? Get<T>(ParseResult parse, Option<T> option) => _added.Contains(option) ? parse.GetValue(option) : default;

    /// <summary>Reads and checks the options; on a bad value, says which and what is allowed, and returns false.</summary>
    public bool TryRead(ParseResult parse, out RunSettings settings)
    {
        settings = new RunSettings { OutputRoot = Get(parse, _out)! };
        string? broker = Get(parse, _broker);
        if (broker is not null)
        {
            if (!BrokerAddress.IsValidBroker(broker, out string? problem))
            {
                Console.Error.WriteLine($"--broker: {problem}");
                return false;
            }
        }

        TimeSpan? duration = null;
        if (Get(parse, _duration) is { } text)
        {
            if (!TryDuration(text, out TimeSpan parsed))
            {
                Console.Error.WriteLine($"--duration: \"{text}\" is not {Durations.Allowed}, above zero");
                return false;
            }

            duration = parsed;
        }

        Shard shard = Shard.Whole;
        if (Get(parse, _shard) is { } shardText)
        {
            try
            {
                shard = Shard.Parse(shardText);
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return false;
            }
        }

        DateTimeOffset? startAt = null;
        if (Get(parse, _startAt) is { } startText)
        {
            if (!DateTimeOffset.TryParse(startText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at) || !startText.Contains('T'))
            {
                Console.Error.WriteLine($"--start-at: \"{startText}\" is not an RFC 3339 time such as 2026-11-27T12:00:00Z");
                return false;
            }

            startAt = at;
        }

        int? workers = Get(parse, _workers);
        if (workers is < 1)
        {
            Console.Error.WriteLine($"--workers: {workers} is not a number of processes; allowed: 1 or more");
            return false;
        }

        if (workers > 1 && !shard.IsWhole)
        {
            Console.Error.WriteLine("--workers and --shard: a shard runs in one process; give one or the other");
            return false;
        }

        int? loops = Get(parse, _loops);
        if (loops is < 0 or > 256)
        {
            Console.Error.WriteLine($"--loops: {loops} is out of range; allowed: 0 (the shared asynchronous model) to 256 event-loop threads");
            return false;
        }

        var sources = new List<IPAddress>();
        string[] specs = (Get(parse, _sourceIp) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        foreach (string item in specs)
        {
            if (!TryAddresses(item, sources))
            {
                Console.Error.WriteLine($"--source-ip: \"{item}\" is not an IPv4 address or a range such as 127.0.0.2-127.0.0.9");
                return false;
            }
        }

        IPEndPoint? metrics = null;
        if (Get(parse, _metrics) is { } metricsText && !IPEndPoint.TryParse(metricsText, out metrics) || metrics is { Port: 0 })
        {
            Console.Error.WriteLine($"--metrics: \"{Get(parse, _metrics)}\" is not an address and port such as 127.0.0.1:9464");
            return false;
        }

        LoadGen.Client.TlsSettings? tls = null;
        string? ca = Get(parse, _ca), cert = Get(parse, _cert), key = Get(parse, _key);
        bool insecure = Get(parse, _insecure);
        foreach ((string option, string? file) in new[] { ("--ca", ca), ("--cert", cert), ("--key", key) })
        {
            if (file is not null && !File.Exists(file))
            {
                Console.Error.WriteLine($"{option}: {file} does not exist; allowed: a PEM file");
                return false;
            }
        }

        if (key is not null && cert is null)
        {
            Console.Error.WriteLine("--key: needs --cert (the certificate the key belongs to)");
            return false;
        }

        if (ca is not null || cert is not null || insecure)
        {
            tls = new LoadGen.Client.TlsSettings { CaFile = ca, CertificateFile = cert, KeyFile = key, Insecure = insecure };
            try
            {
                _ = tls.Load();
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                Console.Error.WriteLine($"--ca/--cert/--key: cannot load: {ex.Message}; allowed: PEM certificates and a PEM private key");
                return false;
            }

            if (insecure)
            {
                Console.Error.WriteLine("warning: --insecure: the broker's TLS certificate is not verified; anyone on the path can read and alter the traffic.");
            }
        }

        settings = settings with
        {
            Tls = tls,
            Metrics = metrics,
            Broker = broker, Duration = duration, Name = Get(parse, _name), Shard = shard, StartAt = startAt, Workers = workers,
            SourceAddresses = sources,
            SourceSpecs = specs,
            Loops = loops,
        };
        return true;
    }

    // One address, or an inclusive range first-last of IPv4 addresses.
    private static bool TryAddresses(string text, List<IPAddress> into)
    {
        string[] ends = text.Split('-', 2);
        if (!IPAddress.TryParse(ends[0], out IPAddress? first) || first.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        if (ends.Length == 1)
        {
            into.Add(first);
            return true;
        }

        if (!IPAddress.TryParse(ends[1], out IPAddress? last) || last.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        uint from = ToNumber(first), to = ToNumber(last);
        if (to < from || to - from >= 65_536)
        {
            return false;
        }

        // A long counter: a range ending at 255.255.255.255 would never end with a uint one.
        for (long a = from; a <= to; a++)
        {
            into.Add(new IPAddress(new[] { (byte)(a >> 24), (byte)(a >> 16), (byte)(a >> 8), (byte)a }));
        }

        return true;
    }

    private static uint ToNumber(IPAddress address)
    {
        byte[] b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    /// <summary>A positive duration in the one grammar of profiles and options (<see cref="Durations"/>).</summary>
    public static bool TryDuration(string? text, out TimeSpan value) => Durations.TryParse(text, out value) && value > TimeSpan.Zero;
}
