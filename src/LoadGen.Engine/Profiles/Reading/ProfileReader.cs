using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

/// <summary>
/// Reads one profile's YAML tree, section by section (each section's reader is a file of its own: Groups, Stages,
/// Faults, Slos, Secrets; the value grammar is in Values). Every problem is collected in <see cref="Errors"/> with
/// its file, line, field and what is allowed, so a bad profile is reported whole, not one mistake at a time.
/// </summary>
internal sealed partial class ProfileReader(string file)
{
    private static readonly string[] TopKeys = ["name", "broker", "duration", "warmup", "tick", "groups", "slo", "faults"];

    public List<ProfileError> Errors { get; } = new();

    public LoadProfile? Profile(YamlMappingNode root)
    {
        Dictionary<string, YamlNode> top = Fields(root, "(profile)", TopKeys);
        string name = Required(top, root, "name") is { } n ? Text(n, "name") ?? "" : "";
        string broker = top.TryGetValue("broker", out YamlNode? b) ? Broker(b) : "embedded";
        TimeSpan duration = Required(top, root, "duration") is { } d ? Duration(d, "duration") : TimeSpan.Zero;
        if (duration == TimeSpan.Zero && top.TryGetValue("duration", out YamlNode? zero) && Durations.TryParse((zero as YamlScalarNode)?.Value, out _))
        {
            // As --duration: a run of no length measures nothing.
            Error(zero, "duration", $"must be above zero; allowed: {Durations.Allowed}");
        }

        TimeSpan warmup = top.TryGetValue("warmup", out YamlNode? w) ? Duration(w, "warmup") : TimeSpan.Zero;
        TimeSpan tick = TimeSpan.FromMicroseconds(250);
        if (top.TryGetValue("tick", out YamlNode? tk))
        {
            tick = Duration(tk, "tick");
            if (tick > TimeSpan.FromMilliseconds(10))
            {
                Error(tk, "tick", $"{tick.TotalMilliseconds} ms is too coarse a scheduler tick; allowed: 0 to 10ms (0 wakes for every message)");
            }
        }

        var groups = new List<ClientGroup>();
        if (Required(top, root, "groups") is { } g)
        {
            if (g is YamlSequenceNode list && list.Children.Count > 0)
            {
                var nodes = new List<(YamlNode Node, string Path)>();
                for (int i = 0; i < list.Children.Count; i++)
                {
                    if (Group(list.Children[i], $"groups[{i}]") is { } group)
                    {
                        groups.Add(group);
                        nodes.Add((list.Children[i], $"groups[{i}]"));
                    }
                }

                PacketSizes(groups, nodes);
                MessagesAcrossGroups(groups, nodes);
            }
            else
            {
                Error(g, "groups", "expected a list of at least one client group");
            }
        }

        var slos = new List<SloThreshold>();
        if (top.TryGetValue("slo", out YamlNode? s))
        {
            if (s is YamlSequenceNode sloList)
            {
                for (int i = 0; i < sloList.Children.Count; i++)
                {
                    if (Slo(sloList.Children[i], $"slo[{i}]") is { } slo)
                    {
                        slos.Add(slo);
                    }
                }
            }
            else
            {
                Error(s, "slo", "expected a list such as [\"p99(qos1) < 20ms\", \"error_rate < 0.1%\"]");
            }
        }

        if (warmup >= duration && duration > TimeSpan.Zero && top.TryGetValue("warmup", out YamlNode? wn))
        {
            Error(wn, "warmup", $"must be shorter than the duration ({duration.TotalSeconds:0.###} s)");
        }

        FaultPlan? faults = top.TryGetValue("faults", out YamlNode? fn) ? FaultSection(fn) : null;
        return new LoadProfile { Name = name, Broker = broker, Duration = duration, Warmup = warmup, Groups = groups, Slos = slos, SourceFile = file, Tick = tick, Faults = faults };
    }

    // faults: { drop: [ { packet: PUBACK, direction: downstream, probability: 0.05 } ], delay: { upstream: 5ms,
    // downstream: 5ms, jitter: 1ms }, bandwidth: 1000000, cut: { every: 10s, probability: 0.001 },
    // stall: { after: 5s, for: 2s }, seed: 1 }
    // A subscriber that cannot take what the run's publishers send would close its session on the first message
    // (3.1.1) or have the broker drop it (5.0, [MQTT-3.1.2-25]), and the run would blame the broker for the
    // generator's own limit: refuse the profile instead.
    private void PacketSizes(List<ClientGroup> groups, List<(YamlNode Node, string Path)> nodes)
    {
        for (int i = 0; i < groups.Count; i++)
        {
            ClientGroup subscriber = groups[i];
            if (subscriber.Role != GroupRole.Subscriber)
            {
                continue;
            }

            foreach (ClientGroup publisher in groups.Where(g => g.Role == GroupRole.Publisher && g.Topic is not null))
            {
                // The topic's longest expansion is not known before the run: its template plus room for the numbers.
                long size = MqttEncoder.PublishSize(publisher.Topic!.Text.Length + 16, publisher.Payload.Max, MqttQualityOfService.ExactlyOnce, subscriber.ProtocolVersion);
                if (size > subscriber.MaximumPacketSize)
                {
                    Error(nodes[i].Node, $"{nodes[i].Path}.max_packet_size", $"{subscriber.MaximumPacketSize} bytes is less than the {size}-byte PUBLISH group {publisher.Name} sends (payload {publisher.Payload.Max} B); allowed: at least {size}");
                }
            }
        }
    }
}
