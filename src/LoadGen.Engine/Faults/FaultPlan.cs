using LoadGen.Protocol;

namespace LoadGen.Engine;

/// <summary>Which way a packet travels through the fault proxy.</summary>
public enum FaultDirection
{
    /// <summary>Client to broker.</summary>
    Upstream,
    /// <summary>Broker to client.</summary>
    Downstream,
}

/// <summary>Drop packets of one type in one direction with a probability.</summary>
/// <param name="Type">The packet type, for example PUBACK.</param>
/// <param name="Direction">Which way.</param>
/// <param name="Probability">0 to 1.</param>
public sealed record DropRule(MqttPacketType Type, FaultDirection Direction, double Probability);

/// <summary>
/// What the fault proxy does to the traffic it carries: drops, delay (fixed plus uniform jitter) per direction, a
/// bandwidth cap per direction and connection, connection cuts (every N seconds, or per packet with a probability), and
/// one stall of every connection. Every draw comes from one seeded generator, so a run can be repeated.
/// </summary>
public sealed record FaultPlan
{
    /// <summary>Packets to drop.</summary>
    public IReadOnlyList<DropRule> Drops { get; init; } = [];

    /// <summary>Delay added to every packet going upstream.</summary>
    public TimeSpan UpstreamDelay { get; init; }

    /// <summary>Delay added to every packet going downstream.</summary>
    public TimeSpan DownstreamDelay { get; init; }

    /// <summary>Extra delay drawn uniformly from 0 to this, per packet (order within a connection is kept).</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Bytes per second per connection and direction; 0 for no cap.</summary>
    public long BandwidthBytesPerSecond { get; init; }

    /// <summary>Cut every connection this often; zero for never.</summary>
    public TimeSpan CutEvery { get; init; }

    /// <summary>Probability, per packet, that its connection is cut instead of the packet being forwarded.</summary>
    public double CutProbability { get; init; }

    /// <summary>When the stall starts, from the proxy's start; zero for no stall.</summary>
    public TimeSpan StallAfter { get; init; }

    /// <summary>How long every connection forwards nothing.</summary>
    public TimeSpan StallFor { get; init; }

    /// <summary>The seed of the random draws.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>True when the plan does nothing.</summary>
    public bool IsEmpty => Drops.Count == 0 && UpstreamDelay == TimeSpan.Zero && DownstreamDelay == TimeSpan.Zero && Jitter == TimeSpan.Zero &&
        BandwidthBytesPerSecond == 0 && CutEvery == TimeSpan.Zero && CutProbability == 0 && StallFor == TimeSpan.Zero;
}
