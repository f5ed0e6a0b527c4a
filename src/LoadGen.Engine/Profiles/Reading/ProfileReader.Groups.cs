using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

// groups: [ { name, role, sessions, ... } ], and a subscriber's subscriptions.
internal sealed partial class ProfileReader
{
    private static readonly string[] GroupKeys =
    [
        "name", "role", "sessions", "connect_rate", "protocol", "clean_start", "session_expiry", "keep_alive", "client_id",
        "topic", "qos", "payload", "rate", "stages", "subscriptions", "reconnect_delay", "inflight", "resend_interval",
        "username", "password", "connect_timeout", "max_packet_size", "ack_timeout", "on_ack_timeout", "retain", "clear_retained", "will", "abort", "offline",
        .. MessageKeys, .. RequestResponseKeys,
    ];

    private ClientGroup? Group(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, path, "expected a mapping with name, role and sessions");
            return null;
        }

        Dictionary<string, YamlNode> f = Fields(map, path, GroupKeys);
        string name = Required(f, map, "name", path) is { } n ? Text(n, $"{path}.name") ?? "" : "";
        string roleName = Required(f, map, "role", path) is { } r ? Choice(r, $"{path}.role", ["publisher", "subscriber", "requester", "responder"]) : "publisher";
        // A requester publishes (requests, on its stages) and a responder subscribes (to requests): the roles they build on.
        GroupRole role = roleName is "subscriber" or "responder" ? GroupRole.Subscriber : GroupRole.Publisher;
        int sessions = Required(f, map, "sessions", path) is { } s ? (int)Number(s, $"{path}.sessions", 1, 1_000_000, whole: true) : 0;
        // Client ids must differ across groups, or a broker takes one session over with another.
        var group = new ClientGroup
        {
            Name = name, Role = role, Sessions = sessions, ClientId = TopicTemplate.Parse($"{name.Replace("%", "%%", StringComparison.Ordinal)}-%i"),
            Rpc = roleName switch { "requester" => RpcRole.Requester, "responder" => RpcRole.Responder, _ => RpcRole.None },
        };
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
        if (f.TryGetValue("payload", out YamlNode? pl)) group = PayloadField(group, pl, $"{path}.payload");
        group = MessageProperties(group, f, path);
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

        if (f.TryGetValue("retain", out YamlNode? rn))
        {
            // true, false, or the share of messages retained (emqtt-bench's --retain is all or nothing; fleets mix).
            group = group with { Retain = Text(rn, $"{path}.retain") is "true" or "false" ? (Bool(rn, $"{path}.retain") ? 1 : 0) : Number(rn, $"{path}.retain", 0, 1, whole: false) };
            if (role != GroupRole.Publisher)
            {
                Error(rn, $"{path}.retain", "only a publisher group retains what it publishes; a subscriber counts retained deliveries by itself (counter retained_received)");
            }
        }

        if (f.TryGetValue("clear_retained", out YamlNode? cr2))
        {
            group = group with { ClearRetained = Bool(cr2, $"{path}.clear_retained") };
            if (group.ClearRetained && group.Retain == 0)
            {
                Error(cr2, $"{path}.clear_retained", "clears what the group retained, and it retains nothing: set retain (true or a share such as 0.1)");
            }
        }

        if (f.TryGetValue("will", out YamlNode? wl)) group = group with { Will = Will(wl, $"{path}.will", group.ProtocolVersion) };
        if (f.TryGetValue("abort", out YamlNode? ab))
        {
            group = group with { Abort = Interruption(ab, $"{path}.abort", away: false) };
            if (role != GroupRole.Publisher)
            {
                Error(ab, $"{path}.abort", "ends publishers abnormally so the broker sends their wills; take subscribers away and back with offline");
            }
        }

        if (group.Will is { } w && (!w.Topic.Text.Contains("%i", StringComparison.Ordinal) && !w.Topic.Text.Contains("%c", StringComparison.Ordinal) || w.Topic.Text == group.Topic?.Text))
        {
            // A will is told from a live message by its topic: each session's own, and none of the data topics.
            Error(wl!, $"{path}.will.topic", "must name its session (%i or %c), as \"devices/%i/status\" does, and differ from the group's topic");
        }
        if (f.TryGetValue("offline", out YamlNode? off))
        {
            group = group with { Offline = Interruption(off, $"{path}.offline", away: true) };
            if (role != GroupRole.Subscriber)
            {
                Error(off, $"{path}.offline", "takes subscribers away so the broker queues for them; a publisher group ends sessions with abort");
            }
            else if (group.CleanStart)
            {
                Error(off, $"{path}.offline", "needs clean_start: false, or the broker keeps nothing for the subscribers while they are away");
            }
            else if (group.ProtocolVersion == MqttProtocolVersion.V500 && group.Offline is { } o && group.SessionExpiry < o.For)
            {
                Error(off, $"{path}.offline", $"needs session_expiry of at least {Durations.Format(o.For)} under 5.0, or the broker ends the sessions while the subscribers are away");
            }
        }

        if (f.TryGetValue("subscriptions", out YamlNode? sb)) group = group with { Subscriptions = Subscriptions(sb, $"{path}.subscriptions") };
        group = RequestResponse(group, f, map, path);
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

        // A group is audited as one consumer (shared) or as one per session (plain): a mix would be neither.
        if (group.Subscriptions.Select(s => s.ShareName).Distinct().Count() > 1)
        {
            Error(map, $"{path}.subscriptions", "every subscription of a group is shared under one name ($share/<name>/<filter>) or none is: " +
                "the group is audited as one consumer or as one per session; put the others in a group of their own");
        }

        return group;
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

    // will: { topic, payload, qos, retain, delay }.
    private WillSpec? Will(YamlNode node, string path, MqttProtocolVersion version)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, path, "expected { topic: \"devices/%i/status\", payload: \"offline\", qos: 1, retain: true, delay: 5s }");
            return null;
        }

        Dictionary<string, YamlNode> f = Fields(map, path, ["topic", "payload", "qos", "retain", "delay"]);
        TopicTemplate? topic = Required(f, map, "topic", path) is { } t ? Template(t, $"{path}.topic") : null;
        if (topic is not null && TopicTemplate.PublishProblem(topic.Text) is { } problem)
        {
            Error(f["topic"], $"{path}.topic", problem);
        }

        TopicTemplate payload = f.TryGetValue("payload", out YamlNode? p) && Template(p, $"{path}.payload") is { } text ? text : TopicTemplate.Parse("offline");
        int qos = f.TryGetValue("qos", out YamlNode? q) ? (int)Number(q, $"{path}.qos", 0, 2, whole: true) : 0;
        bool retain = f.TryGetValue("retain", out YamlNode? r) && Bool(r, $"{path}.retain");
        TimeSpan delay = f.TryGetValue("delay", out YamlNode? d) ? Duration(d, $"{path}.delay") : TimeSpan.Zero;
        if (delay > TimeSpan.Zero && version != MqttProtocolVersion.V500)
        {
            Error(d!, $"{path}.delay", "a will delay needs protocol \"5.0\" (3.1.1 has no Will Delay Interval); set the group's protocol, or leave delay out");
        }

        return topic is null ? null : new WillSpec(topic, payload, (MqttQualityOfService)qos, retain, delay);
    }

    // abort: { sessions: 10%, at: 20s } and offline: { sessions: 50%, at: 5s, for: 10s }.
    private SessionInterruption? Interruption(YamlNode node, string path, bool away)
    {
        string example = away ? "{ sessions: 50%, at: 5s, for: 10s }" : "{ sessions: 10%, at: 20s }";
        if (node is not YamlMappingNode map)
        {
            Error(node, path, $"expected {example}");
            return null;
        }

        Dictionary<string, YamlNode> f = Fields(map, path, away ? ["sessions", "at", "for"] : ["sessions", "at"]);
        double share = 0;
        if (Required(f, map, "sessions", path) is { } s)
        {
            string? text = Text(s, $"{path}.sessions");
            if (text is null || !Units.TryParsePercent(text, out share) || share <= 0 || share > 1)
            {
                Error(s, $"{path}.sessions", $"\"{text}\" is not a share of the group's sessions above 0 % and up to 100 %, such as 10%");
            }
        }

        TimeSpan at = Required(f, map, "at", path) is { } a ? Duration(a, $"{path}.at") : TimeSpan.Zero;
        TimeSpan gone = away && Required(f, map, "for", path) is { } g ? Duration(g, $"{path}.for") : TimeSpan.Zero;
        if (away && gone <= TimeSpan.Zero && f.TryGetValue("for", out YamlNode? forNode))
        {
            Error(forNode, $"{path}.for", "allowed: a duration above zero, such as 10s");
        }

        return new SessionInterruption(share, at, gone);
    }
}
