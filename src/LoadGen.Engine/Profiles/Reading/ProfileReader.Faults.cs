using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

// faults: the fault plan a run injects through its proxy.
internal sealed partial class ProfileReader
{
    private FaultPlan? FaultSection(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "faults", "expected a mapping with drop, delay, bandwidth, cut, stall and seed");
            return null;
        }

        var plan = new FaultPlan();
        Dictionary<string, YamlNode> f = Fields(map, "faults", ["drop", "delay", "bandwidth", "cut", "stall", "seed"]);
        if (f.TryGetValue("drop", out YamlNode? drop))
        {
            var rules = new List<DropRule>();
            if (drop is YamlSequenceNode list)
            {
                string[] types = Enum.GetNames<MqttPacketType>().Where(n => n != "Reserved").Select(n => n.ToUpperInvariant()).ToArray();
                for (int i = 0; i < list.Children.Count; i++)
                {
                    string path = $"faults.drop[{i}]";
                    if (list.Children[i] is not YamlMappingNode rule)
                    {
                        Error(list.Children[i], path, "expected { packet: PUBACK, direction: downstream, probability: 0.05 }");
                        continue;
                    }

                    Dictionary<string, YamlNode> r = Fields(rule, path, ["packet", "direction", "probability"]);
                    string packet = Required(r, rule, "packet", path) is { } pk ? Choice(pk, $"{path}.packet", types) : "PUBACK";
                    string direction = r.TryGetValue("direction", out YamlNode? dn) ? Choice(dn, $"{path}.direction", ["upstream", "downstream"]) : "downstream";
                    double probability = Required(r, rule, "probability", path) is { } pr ? Number(pr, $"{path}.probability", 0, 1, whole: false) : 0;
                    MqttPacketType type = Enum.GetValues<MqttPacketType>().FirstOrDefault(t => t.ToString().ToUpperInvariant() == packet);
                    rules.Add(new DropRule(type, direction == "upstream" ? FaultDirection.Upstream : FaultDirection.Downstream, probability));
                }
            }
            else
            {
                Error(drop, "faults.drop", "expected a list such as [ { packet: PUBACK, direction: downstream, probability: 0.05 } ]");
            }

            plan = plan with { Drops = rules };
        }

        if (f.TryGetValue("delay", out YamlNode? delay))
        {
            if (delay is YamlMappingNode d)
            {
                Dictionary<string, YamlNode> df = Fields(d, "faults.delay", ["upstream", "downstream", "jitter"]);
                if (df.TryGetValue("upstream", out YamlNode? up)) plan = plan with { UpstreamDelay = Duration(up, "faults.delay.upstream") };
                if (df.TryGetValue("downstream", out YamlNode? down)) plan = plan with { DownstreamDelay = Duration(down, "faults.delay.downstream") };
                if (df.TryGetValue("jitter", out YamlNode? jitter)) plan = plan with { Jitter = Duration(jitter, "faults.delay.jitter") };
            }
            else
            {
                Error(delay, "faults.delay", "expected { upstream: 5ms, downstream: 5ms, jitter: 1ms }");
            }
        }

        if (f.TryGetValue("bandwidth", out YamlNode? bw)) plan = plan with { BandwidthBytesPerSecond = (long)Number(bw, "faults.bandwidth", 1, 1e12, whole: true) };
        if (f.TryGetValue("cut", out YamlNode? cut))
        {
            if (cut is YamlMappingNode c)
            {
                Dictionary<string, YamlNode> cf = Fields(c, "faults.cut", ["every", "probability"]);
                if (cf.TryGetValue("every", out YamlNode? every)) plan = plan with { CutEvery = Duration(every, "faults.cut.every") };
                if (cf.TryGetValue("probability", out YamlNode? cp)) plan = plan with { CutProbability = Number(cp, "faults.cut.probability", 0, 1, whole: false) };
            }
            else
            {
                Error(cut, "faults.cut", "expected { every: 10s } or { probability: 0.001 } (per packet)");
            }
        }

        if (f.TryGetValue("stall", out YamlNode? stall))
        {
            if (stall is YamlMappingNode st)
            {
                Dictionary<string, YamlNode> sf = Fields(st, "faults.stall", ["after", "for"]);
                if (Required(sf, st, "after", "faults.stall") is { } after) plan = plan with { StallAfter = Duration(after, "faults.stall.after") };
                if (Required(sf, st, "for", "faults.stall") is { } lasting) plan = plan with { StallFor = Duration(lasting, "faults.stall.for") };
            }
            else
            {
                Error(stall, "faults.stall", "expected { after: 5s, for: 2s }");
            }
        }

        if (f.TryGetValue("seed", out YamlNode? seed)) plan = plan with { Seed = (int)Number(seed, "faults.seed", 0, int.MaxValue, whole: true) };
        return plan;
    }
}
