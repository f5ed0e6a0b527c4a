using LoadGen.Client;

namespace LoadGen.Engine;

/// <summary>Command-line choices that override or complete a profile.</summary>
public sealed record RunOptions
{
    /// <summary>Overrides the profile's broker (<c>mqtt://host:port</c>).</summary>
    public string? Broker { get; init; }

    /// <summary>
    /// Source addresses to connect from (emqtt-bench's <c>--ifaddr</c>); session i uses address i % count. Empty means
    /// the kernel chooses. Each address is bound with IP_BIND_ADDRESS_NO_PORT, so none is capped at the ephemeral range.
    /// </summary>
    public IReadOnlyList<System.Net.IPAddress> SourceAddresses { get; init; } = [];

    /// <summary>The share of the profile this process runs (<c>--shard i/N</c>).</summary>
    public Shard Shard { get; init; } = Shard.Whole;

    /// <summary>When to start (<c>--start-at</c>): shards on several machines begin together and their time series line up.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>Where to serve live Prometheus metrics during the run (<c>--metrics 127.0.0.1:9464</c>); null for none.</summary>
    public System.Net.IPEndPoint? Metrics { get; init; }

    /// <summary>TLS settings for <c>mqtts://</c> and <c>wss://</c> brokers; null verifies against the system's trust store.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>
    /// Event-loop threads for plain TCP sessions (<c>--loops N</c>): null takes one per core where the epoll loop runs
    /// (Linux), 0 keeps every session on the shared asynchronous model. TLS and WebSocket sessions always use the latter.
    /// </summary>
    public int? Loops { get; init; }

    /// <summary>Overrides the profile's duration.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>
    /// The run's own results folder. When set, the interval log (<c>latency.hlog</c>) is written there as the run
    /// goes; the CLI adds the rest at the end (result.json, then the reports).
    /// </summary>
    public string? OutputFolder { get; init; }

    /// <summary>Called with each interval of the time series as it closes (about once a second).</summary>
    public Action<TimelinePoint>? Progress { get; init; }

    /// <summary>The profile's text as run (after <c>--set</c>), kept in the result so a report can show it.</summary>
    public string? ProfileText { get; init; }
}
