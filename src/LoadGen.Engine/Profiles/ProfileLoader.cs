using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

/// <summary>
/// Reads a YAML profile into a <see cref="LoadProfile"/>. It checks everything before a run starts and reports every
/// problem at once, each with the file, line, field and what is allowed, so a bad profile costs one edit, not one
/// failed run per mistake.
/// </summary>
public static class ProfileLoader
{
    private static readonly string[] TopKeys = ["name", "broker", "duration", "warmup", "tick", "groups", "slo", "faults"];
    private static readonly string[] GroupKeys =
    [
        "name", "role", "sessions", "connect_rate", "protocol", "clean_start", "session_expiry", "keep_alive", "client_id",
        "topic", "qos", "payload", "rate", "stages", "subscriptions", "reconnect_delay", "inflight", "resend_interval",
        "username", "password", "connect_timeout", "max_packet_size", "ack_timeout", "on_ack_timeout",
    ];

    private static readonly string[] Histograms = ["connect", "suback", "tls", "qos0", "qos1", "qos2", "qos2.pubrec", "qos2.pubcomp", "e2e", "lag"];

    /// <summary>
    /// Loads and checks a profile file, after applying <paramref name="overrides"/> (<c>key=value</c>, see
    /// <c>--set</c>). Throws <see cref="ProfileException"/> listing every problem.
    /// </summary>
    public static LoadProfile Load(string path, IReadOnlyList<string>? overrides = null)
    {
        if (!File.Exists(path))
        {
            throw new ProfileException([new ProfileError(path, 0, 0, "(file)", "no such profile file")]);
        }

        return Parse(File.ReadAllText(path), path, overrides);
    }

    /// <summary>Parses and checks profile text; <paramref name="file"/> names it in errors.</summary>
    public static LoadProfile Parse(string yaml, string file, IReadOnlyList<string>? overrides = null)
    {
        var reader = new Reader(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ProfileException([new ProfileError(file, (int)ex.Start.Line, (int)ex.Start.Column, "(yaml)", ex.InnerException?.Message ?? ex.Message)]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up on some malformed input (an unclosed flow mapping followed by more keys)
            // with no position; find the first line that does not parse on its own, so the message still points there.
            (int line, string why) = FirstBadLine(yaml);
            throw new ProfileException([new ProfileError(file, line, 1, "(yaml)", why)]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ProfileException([new ProfileError(file, 1, 1, "(profile)", "expected a mapping with name, broker, duration and groups")]);
        }

        // Found on the tree as read, before an override replaces a node: the text keeps the file's values too.
        string kept = Credentials.Redact(yaml, root, overrides ?? []);
        if (overrides is { Count: > 0 })
        {
            List<ProfileError> overrideErrors = ProfileOverrides.Apply(root, overrides);
            if (overrideErrors.Count > 0)
            {
                throw new ProfileException(overrideErrors);
            }
        }

        LoadProfile? profile = reader.Profile(root);
        if (reader.Errors.Count > 0 || profile is null)
        {
            throw new ProfileException(reader.Errors);
        }

        // The text as run: the file, then the overrides, so a report shows exactly what was measured.
        // The text as run, the overrides listed after it, credentials masked: it goes into result.json and the report.
        return profile with { SourceFile = file, Text = kept, Overrides = overrides?.ToList() ?? [] };
    }

    // The shortest prefix of lines that no longer parses ends at the culprit; an unclosed bracket is the usual one.
    private static (int Line, string Why) FirstBadLine(string yaml)
    {
        string[] lines = yaml.Split('\n');
        for (int n = 1; n <= lines.Length; n++)
        {
            try
            {
                new YamlStream().Load(new StringReader(string.Join('\n', lines.Take(n))));
            }
            catch (Exception ex) when (ex is YamlException or InvalidOperationException)
            {
                for (int open = n; open >= 1; open--)
                {
                    string text = lines[open - 1];
                    if (text.Count(ch => ch is '{' or '[') > text.Count(ch => ch is '}' or ']'))
                    {
                        return (open, $"malformed YAML: a flow collection opened on line {open} is not closed (a '{{' or '[' without its '}}' or ']')");
                    }
                }

                return (n, ex is YamlException y ? y.InnerException?.Message ?? y.Message : "malformed YAML");
            }
        }

        return (1, "malformed YAML");
    }

    /// <summary>Parses one SLO threshold, such as <c>p99(qos1) &lt; 50ms</c>.</summary>
    /// <exception cref="ProfileException">The text is not a threshold.</exception>
    public static SloThreshold ParseSlo(string text)
    {
        var reader = new Reader("slo");
        SloThreshold? slo = reader.Slo(new YamlScalarNode(text), "slo");
        return slo ?? throw new ProfileException(reader.Errors);
    }

    private sealed class Reader(string file)
    {
        public List<ProfileError> Errors { get; } = new();

        public LoadProfile? Profile(YamlMappingNode root)
        {
            Dictionary<string, YamlNode> top = Fields(root, "(profile)", TopKeys);
            string name = Required(top, root, "name") is { } n ? Text(n, "name") ?? "" : "";
            string broker = top.TryGetValue("broker", out YamlNode? b) ? Broker(b) : "embedded";
            TimeSpan duration = Required(top, root, "duration") is { } d ? Duration(d, "duration") : TimeSpan.Zero;
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

            Faults.FaultPlan? faults = top.TryGetValue("faults", out YamlNode? fn) ? FaultSection(fn) : null;
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

        private Faults.FaultPlan? FaultSection(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, "faults", "expected a mapping with drop, delay, bandwidth, cut, stall and seed");
                return null;
            }

            var plan = new Faults.FaultPlan();
            Dictionary<string, YamlNode> f = Fields(map, "faults", ["drop", "delay", "bandwidth", "cut", "stall", "seed"]);
            if (f.TryGetValue("drop", out YamlNode? drop))
            {
                var rules = new List<Faults.DropRule>();
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
                        rules.Add(new Faults.DropRule(type, direction == "upstream" ? Faults.FaultDirection.Upstream : Faults.FaultDirection.Downstream, probability));
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

        private ClientGroup? Group(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, path, "expected a mapping with name, role and sessions");
                return null;
            }

            Dictionary<string, YamlNode> f = Fields(map, path, GroupKeys);
            string name = Required(f, map, "name", path) is { } n ? Text(n, $"{path}.name") ?? "" : "";
            GroupRole role = Required(f, map, "role", path) is { } r ? Choice(r, $"{path}.role", ["publisher", "subscriber"]) == "subscriber" ? GroupRole.Subscriber : GroupRole.Publisher : GroupRole.Publisher;
            int sessions = Required(f, map, "sessions", path) is { } s ? (int)Number(s, $"{path}.sessions", 1, 1_000_000, whole: true) : 0;
            // Client ids must differ across groups, or a broker takes one session over with another.
            var group = new ClientGroup { Name = name, Role = role, Sessions = sessions, ClientId = TopicTemplate.Parse($"{name.Replace("%", "%%", StringComparison.Ordinal)}-%i") };
            if (f.TryGetValue("connect_rate", out YamlNode? cr)) group = group with { ConnectRate = Rate(cr, $"{path}.connect_rate") };
            if (f.TryGetValue("protocol", out YamlNode? p))
            {
                group = group with { ProtocolVersion = Choice(p, $"{path}.protocol", ["3.1.1", "5.0"]) == "5.0" ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311 };
            }

            if (f.TryGetValue("clean_start", out YamlNode? cs)) group = group with { CleanStart = Bool(cs, $"{path}.clean_start") };
            if (f.TryGetValue("session_expiry", out YamlNode? se)) group = group with { SessionExpiry = Duration(se, $"{path}.session_expiry") };
            if (f.TryGetValue("keep_alive", out YamlNode? ka)) group = group with { KeepAlive = Duration(ka, $"{path}.keep_alive") };
            if (f.TryGetValue("client_id", out YamlNode? ci) && Template(ci, $"{path}.client_id") is { } clientId) group = group with { ClientId = clientId };
            if (f.TryGetValue("topic", out YamlNode? t) && Template(t, $"{path}.topic") is { } topic)
            {
                group = group with { Topic = topic };
                if (role == GroupRole.Publisher && TopicTemplate.PublishProblem(topic.Text) is { } problem)
                {
                    Error(t, $"{path}.topic", problem);
                }
            }

            if (f.TryGetValue("qos", out YamlNode? q) && Qos(q, $"{path}.qos") is { } mix) group = group with { Qos = mix };
            if (f.TryGetValue("payload", out YamlNode? pl)) group = group with { Payload = Payload(pl, $"{path}.payload") };
            if (f.TryGetValue("rate", out YamlNode? rt)) group = group with { Rate = Rate(rt, $"{path}.rate") };
            if (f.TryGetValue("stages", out YamlNode? st)) group = group with { Stages = Stages(st, $"{path}.stages") };
            if (f.TryGetValue("resend_interval", out YamlNode? ri)) group = group with { ResendInterval = Duration(ri, $"{path}.resend_interval") };
            if (f.TryGetValue("inflight", out YamlNode? fl)) group = group with { Inflight = (int)Number(fl, $"{path}.inflight", 1, 0xEFFF, whole: true) };
            if (f.TryGetValue("reconnect_delay", out YamlNode? rd)) group = group with { ReconnectDelay = Duration(rd, $"{path}.reconnect_delay") };
            if (f.TryGetValue("connect_timeout", out YamlNode? ct))
            {
                group = group with { ConnectTimeout = Duration(ct, $"{path}.connect_timeout") };
                if (group.ConnectTimeout <= TimeSpan.Zero)
                {
                    Error(ct, $"{path}.connect_timeout", "allowed: a duration above zero, such as 10s");
                }
            }

            if (f.TryGetValue("ack_timeout", out YamlNode? at)) group = group with { AckTimeout = Duration(at, $"{path}.ack_timeout") };
            if (f.TryGetValue("on_ack_timeout", out YamlNode? oat))
            {
                group = group with
                {
                    AckTimeoutAction = Choice(oat, $"{path}.on_ack_timeout", ["abandon", "resend", "close"]) switch
                    {
                        "resend" => LoadGen.Client.AckTimeoutAction.Resend,
                        "close" => LoadGen.Client.AckTimeoutAction.Close,
                        _ => LoadGen.Client.AckTimeoutAction.Abandon,
                    },
                };
            }

            if (group.AckTimeoutAction == LoadGen.Client.AckTimeoutAction.Resend && group.ProtocolVersion == MqttProtocolVersion.V500 && oat is not null)
            {
                Error(oat, $"{path}.on_ack_timeout", "MQTT 5.0 resends only on reconnect [MQTT-4.4.0-1]; allowed with protocol 5.0: abandon or close");
            }

            if (f.TryGetValue("max_packet_size", out YamlNode? mp))
            {
                group = group with { MaximumPacketSize = (int)Number(mp, $"{path}.max_packet_size", 128, MqttFrameScanner.MaximumPacketSize, whole: true) };
            }

            if (f.TryGetValue("subscriptions", out YamlNode? sb)) group = group with { Subscriptions = Subscriptions(sb, $"{path}.subscriptions") };
            if (f.ContainsKey("username") || f.ContainsKey("password"))
            {
                string? user = f.TryGetValue("username", out YamlNode? un) ? Text(un, $"{path}.username") : null;
                byte[]? password = f.TryGetValue("password", out YamlNode? pw) ? Password(pw, $"{path}.password") : null;
                group = group with { Credentials = new Credentials(user, password) };
            }

            if (role == GroupRole.Publisher && !f.ContainsKey("topic"))
            {
                Error(map, $"{path}.topic", "a publisher group needs a topic, for example \"sensors/%i/temperature\"");
            }

            if (role == GroupRole.Subscriber && group.Subscriptions.Count == 0)
            {
                Error(map, $"{path}.subscriptions", "a subscriber group needs at least one subscription, for example [{ filter: \"sensors/#\", qos: 1 }]");
            }

            return group;
        }

        private IReadOnlyList<Stage> Stages(YamlNode node, string path)
        {
            var stages = new List<Stage>();
            if (node is not YamlSequenceNode list)
            {
                Error(node, path, "expected a list of stages such as [{ inject: { rate: 100, during: 30s } }]");
                return stages;
            }

            string[] kinds = ["inject", "ramping_inject", "keep_constant", "ramping_constant", "pause"];
            for (int i = 0; i < list.Children.Count; i++)
            {
                string at = $"{path}[{i}]";
                if (list.Children[i] is not YamlMappingNode one || one.Children.Count != 1)
                {
                    Error(list.Children[i], at, $"expected one of {string.Join(", ", kinds)} with its settings");
                    continue;
                }

                (YamlNode key, YamlNode value) = one.Children.First();
                if (!kinds.Contains((key as YamlScalarNode)?.Value))
                {
                    Choice(key, at, kinds); // reports the error with the allowed kinds
                    continue;
                }

                string kind = ((YamlScalarNode)key).Value!;
                if (value is not YamlMappingNode settings)
                {
                    Error(value, $"{at}.{kind}", "expected settings such as { rate: 100, during: 30s }");
                    continue;
                }

                string[] allowed = kind switch
                {
                    "inject" or "ramping_inject" => ["rate", "during"],
                    "keep_constant" or "ramping_constant" => ["copies", "during"],
                    _ => ["during"],
                };
                Dictionary<string, YamlNode> s = Fields(settings, $"{at}.{kind}", allowed);
                TimeSpan during = Required(s, settings, "during", $"{at}.{kind}") is { } d ? Duration(d, $"{at}.{kind}.during") : TimeSpan.Zero;
                switch (kind)
                {
                    case "inject" or "ramping_inject":
                        double rate = Required(s, settings, "rate", $"{at}.{kind}") is { } r ? Rate(r, $"{at}.{kind}.rate") : 0;
                        stages.Add(kind == "inject" ? new InjectStage(rate, during) : new RampingInjectStage(rate, during));
                        break;
                    case "keep_constant" or "ramping_constant":
                        int copies = Required(s, settings, "copies", $"{at}.{kind}") is { } c ? (int)Number(c, $"{at}.{kind}.copies", 0, 1_000_000, whole: true) : 0;
                        stages.Add(kind == "keep_constant" ? new KeepConstantStage(copies, during) : new RampingConstantStage(copies, during));
                        break;
                    default:
                        stages.Add(new PauseStage(during));
                        break;
                }
            }

            return stages;
        }

        private IReadOnlyList<SubscriptionSpec> Subscriptions(YamlNode node, string path)
        {
            var result = new List<SubscriptionSpec>();
            if (node is not YamlSequenceNode list)
            {
                Error(node, path, "expected a list such as [{ filter: \"sensors/#\", qos: 1 }]");
                return result;
            }

            for (int i = 0; i < list.Children.Count; i++)
            {
                string at = $"{path}[{i}]";
                if (list.Children[i] is not YamlMappingNode map)
                {
                    Error(list.Children[i], at, "expected { filter: ..., qos: 0|1|2 }");
                    continue;
                }

                Dictionary<string, YamlNode> f = Fields(map, at, ["filter", "qos"]);
                YamlNode? filterNode = Required(f, map, "filter", at);
                TopicTemplate? filter = filterNode is null ? null : Template(filterNode, $"{at}.filter");
                int qos = f.TryGetValue("qos", out YamlNode? q) ? (int)Number(q, $"{at}.qos", 0, 2, whole: true) : 0;
                if (filter is not null)
                {
                    try
                    {
                        MqttTopic.ValidateFilter(System.Text.Encoding.UTF8.GetBytes(filter.Text.Replace("%", "x", StringComparison.Ordinal)), MqttProtocolVersion.V500);
                        result.Add(new SubscriptionSpec(filter, (MqttQualityOfService)qos));
                    }
                    catch (MqttProtocolException ex)
                    {
                        Error(filterNode!, $"{at}.filter", ex.Message);
                    }
                }
            }

            return result;
        }

        // A password in the profile ("secret"), from the environment ({ env: NAME }) or from a file ({ file: PATH },
        // without its trailing newline). Errors name where it was looked for, never what was found.
        private byte[]? Password(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: { } literal })
            {
                return System.Text.Encoding.UTF8.GetBytes(literal);
            }

            if (node is not YamlMappingNode map)
            {
                Error(node, path, "expected a password, { env: VARIABLE } or { file: PATH }");
                return null;
            }

            Dictionary<string, YamlNode> f = Fields(map, path, ["env", "file"]);
            if (f.Count != 1)
            {
                Error(node, path, "expected exactly one of { env: VARIABLE } or { file: PATH }");
                return null;
            }

            if (f.TryGetValue("env", out YamlNode? env) && Text(env, $"{path}.env") is { } variable)
            {
                if (Environment.GetEnvironmentVariable(variable) is { } value)
                {
                    return System.Text.Encoding.UTF8.GetBytes(value);
                }

                Error(env, $"{path}.env", $"the environment variable {variable} is not set; allowed: the name of a set variable");
                return null;
            }

            if (f.TryGetValue("file", out YamlNode? fileNode) && Text(fileNode, $"{path}.file") is { } secretFile)
            {
                try
                {
                    return System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(secretFile).TrimEnd('\r', '\n'));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Error(fileNode, $"{path}.file", $"cannot read {secretFile} ({ex.GetType().Name}); allowed: a readable file holding the password");
                }
            }

            return null;
        }

        internal SloThreshold? Slo(YamlNode node, string path)
        {
            string? text = Text(node, path);
            if (text is null)
            {
                return null;
            }

            string allowed = $"allowed: p50|p90|p99|p99.9|max({string.Join('|', Histograms)}) < 20ms, {string.Join('|', SloThreshold.RateMetrics)} < 0.1%, throughput >= 1000";
            string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3 || parts[1] is not ("<" or "<=" or ">" or ">="))
            {
                Error(node, path, $"\"{text}\" is not 'metric operator value'; {allowed}");
                return null;
            }

            string metric = parts[0];
            string? histogram = null;
            int open = metric.IndexOf('(');
            if (open > 0 && metric.EndsWith(')'))
            {
                histogram = metric[(open + 1)..^1];
                metric = metric[..open];
                if (metric is not ("p50" or "p90" or "p99" or "p99.9" or "max") || !Histograms.Contains(histogram))
                {
                    Error(node, path, $"unknown latency metric \"{parts[0]}\"; {allowed}");
                    return null;
                }

                if (!Durations.TryParse(parts[2], out TimeSpan bound))
                {
                    Error(node, path, $"\"{parts[2]}\" is not a duration such as 500us, 20ms or 1s");
                    return null;
                }

                return new SloThreshold(metric, histogram, parts[1], bound.TotalMicroseconds, text);
            }

            if (SloThreshold.RateMetrics.Contains(metric) && parts[2].EndsWith('%') &&
                double.TryParse(parts[2][..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent))
            {
                return new SloThreshold(metric, null, parts[1], percent / 100, text);
            }

            if (metric == "throughput" && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
            {
                return new SloThreshold(metric, null, parts[1], rate, text);
            }

            Error(node, path, $"cannot read \"{text}\"; {allowed}");
            return null;
        }

        private QosMix? Qos(YamlNode node, string path)
        {
            if (node is YamlScalarNode)
            {
                int qos = (int)Number(node, path, 0, 2, whole: true);
                return QosMix.Only((MqttQualityOfService)qos);
            }

            if (node is not YamlMappingNode map)
            {
                Error(node, path, "expected 0, 1, 2, or weights such as { 0: 60, 1: 30, 2: 10 }");
                return null;
            }

            Dictionary<string, YamlNode> f = Fields(map, path, ["0", "1", "2"]);
            int Weight(string key) => f.TryGetValue(key, out YamlNode? v) ? (int)Number(v, $"{path}.{key}", 0, 1_000_000, whole: true) : 0;
            var mix = new QosMix(Weight("0"), Weight("1"), Weight("2"));
            if (mix.Total == 0)
            {
                Error(node, path, "the weights add up to 0; give at least one QoS a positive weight");
                return null;
            }

            return mix;
        }

        private PayloadSize Payload(YamlNode node, string path)
        {
            string? text = Text(node, path);
            if (text is null)
            {
                return default;
            }

            string[] range = text.Split('-', 2);
            if (int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int min) &&
                (range.Length == 1 || int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                int max = range.Length == 1 ? min : int.Parse(range[1], CultureInfo.InvariantCulture);
                if (min <= max && max <= VariableByteInteger.MaxValue - 65_535)
                {
                    return new PayloadSize(min, max);
                }
            }

            Error(node, path, $"\"{text}\" is not a size in bytes such as 100 or a range such as 64-256");
            return default;
        }

        private TopicTemplate? Template(YamlNode node, string path)
        {
            string? text = Text(node, path);
            if (text is null)
            {
                return null;
            }

            try
            {
                return TopicTemplate.Parse(text);
            }
            catch (FormatException ex)
            {
                Error(node, path, ex.Message);
                return null;
            }
        }

        private string Broker(YamlNode node)
        {
            string? text = Text(node, "broker");
            if (text is null || text == "embedded")
            {
                return "embedded";
            }

            if (!BrokerAddress.IsValidBroker(text, out string? problem))
            {
                Error(node, "broker", problem!);
            }

            return text;
        }

        private double Rate(YamlNode node, string path)
        {
            string? text = Text(node, path);
            string number = text?.EndsWith("/s", StringComparison.Ordinal) == true ? text[..^2] : text ?? "";
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate > 0 && double.IsFinite(rate))
            {
                return rate;
            }

            Error(node, path, $"\"{text}\" is not a positive rate per second such as 100 or 100/s");
            return 0;
        }

        private TimeSpan Duration(YamlNode node, string path)
        {
            string? text = Text(node, path);
            if (Durations.TryParse(text, out TimeSpan value))
            {
                return value;
            }

            Error(node, path, $"\"{text}\" is not {Durations.Allowed}");
            return TimeSpan.Zero;
        }

        private double Number(YamlNode node, string path, double min, double max, bool whole)
        {
            string? text = Text(node, path);
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) &&
                value >= min && value <= max && (!whole || value == Math.Floor(value)))
            {
                return value;
            }

            Error(node, path, $"\"{text}\" is not {(whole ? "a whole number" : "a number")} from {min} to {max}");
            return min;
        }

        private bool Bool(YamlNode node, string path)
        {
            string? text = Text(node, path);
            if (text is "true" or "false")
            {
                return text == "true";
            }

            Error(node, path, $"\"{text}\" is not true or false");
            return false;
        }

        private string Choice(YamlNode node, string path, string[] allowed)
        {
            string? text = Text(node, path);
            if (text is not null && allowed.Contains(text))
            {
                return text;
            }

            Error(node, path, $"\"{text}\" is not allowed; allowed: {string.Join(", ", allowed)}");
            return allowed[0];
        }

        private string? Text(YamlNode node, string path)
        {
            if (node is YamlScalarNode scalar && scalar.Value is not null)
            {
                return scalar.Value;
            }

            Error(node, path, "expected a single value");
            return null;
        }

        private Dictionary<string, YamlNode> Fields(YamlMappingNode map, string path, string[] allowed)
        {
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach ((YamlNode key, YamlNode value) in map.Children)
            {
                string name = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(name))
                {
                    Error(key, path == "(profile)" ? name : $"{path}.{name}", $"unknown field '{name}'; allowed: {string.Join(", ", allowed)}");
                }
                else if (!fields.TryAdd(name, value))
                {
                    Error(key, path == "(profile)" ? name : $"{path}.{name}", $"'{name}' is given twice");
                }
            }

            return fields;
        }

        private YamlNode? Required(Dictionary<string, YamlNode> fields, YamlNode owner, string name, string? path = null)
        {
            if (fields.TryGetValue(name, out YamlNode? node))
            {
                return node;
            }

            Error(owner, path is null ? name : $"{path}.{name}", "is required");
            return null;
        }

        private void Error(YamlNode node, string field, string message) =>
            Errors.Add(new ProfileError(file, (int)node.Start.Line, (int)node.Start.Column, field, message));
    }
}
