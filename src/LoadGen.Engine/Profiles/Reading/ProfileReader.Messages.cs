using System.Text;
using LoadGen.Protocol;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

// What a publisher's messages hold: payload templates and files, MQTT 5.0 properties and topic aliases.
internal sealed partial class ProfileReader
{
    // Client ids in the engine are the group's template expanded; 64 bytes bounds what a template sizes for them.
    private const int ClientIdBound = 64;

    // A group's MQTT 5.0 PUBLISH fields, all refused under 3.1.1 and on subscribers (a requester's response_topic excepted).
    // Properties, not fields: GroupKeys (another file of this partial class) is built from them, and static fields
    // of a partial class initialise in no defined order across its files.
    private static string[] MessageKeys => ["topic_alias", "message_expiry", "content_type", "payload_format", "user_properties", "response_topic", "correlation_data"];

    private static string[] RequestResponseKeys => ["reply_topic", "think_time", "rpc_timeout"];

    // payload: 100 | 64-256 | { template: '...' } | { file: samples.jsonl }
    private ClientGroup PayloadField(ClientGroup group, YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            return group with { Payload = Payload(node, path) };
        }

        Dictionary<string, YamlNode> f = Fields(map, path, ["template", "file"]);
        if (f.Count != 1)
        {
            Error(map, path, "expected one of { template: '{\"id\":\"%c\",\"seq\":%seq}' } or { file: samples.jsonl }");
            return group;
        }

        if (f.TryGetValue("template", out YamlNode? t))
        {
            MessageTemplate? template = MessageTemplateField(t, $"{path}.template");
            if (template is null)
            {
                return group;
            }

            int max = template.MaxLength(ClientIdBound, Encoding.UTF8.GetByteCount(group.Name));
            return group with { PayloadTemplate = template, Payload = new PayloadSize(0, max) };
        }

        string? name = Text(f["file"], $"{path}.file");
        if (name is null)
        {
            return group;
        }

        // Relative to the profile's folder when the file is there, else to the working directory.
        string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", name);
        string found = File.Exists(beside) ? beside : name;
        if (!File.Exists(found))
        {
            Error(f["file"], $"{path}.file", $"\"{name}\" does not exist (looked beside the profile and in the working directory); allowed: a file of payloads, one per line");
            return group;
        }

        byte[][] samples = [.. File.ReadLines(found).Where(l => l.Length > 0).Select(Encoding.UTF8.GetBytes)];
        if (samples.Length == 0)
        {
            Error(f["file"], $"{path}.file", $"\"{name}\" holds no payloads; allowed: a file of payloads, one per (non-empty) line");
            return group;
        }

        return group with { PayloadSamples = samples, Payload = new PayloadSize(samples.Min(s => s.Length), samples.Max(s => s.Length)) };
    }

    private MessageTemplate? MessageTemplateField(YamlNode node, string path, bool property = false)
    {
        string? text = Text(node, path);
        if (text is null)
        {
            return null;
        }

        if (property && text.Contains('\0'))
        {
            Error(node, path, "contains U+0000, which no MQTT string may [MQTT-1.5.4-2]");
            return null;
        }

        try
        {
            MessageTemplate template = MessageTemplate.Parse(text);
            if (property && template.MaxLength(ClientIdBound, ClientIdBound) > ushort.MaxValue)
            {
                Error(node, path, "can render longer than 65,535 bytes, the most an MQTT string or binary property holds");
            }

            return template;
        }
        catch (FormatException ex)
        {
            Error(node, path, ex.Message);
            return null;
        }
    }

    // topic_alias, message_expiry, content_type, payload_format, user_properties, response_topic, correlation_data.
    private ClientGroup MessageProperties(ClientGroup group, Dictionary<string, YamlNode> f, string path)
    {
        foreach (string field in MessageKeys)
        {
            if (!f.TryGetValue(field, out YamlNode? node) || (field == "response_topic" && group.Rpc == RpcRole.Requester))
            {
                // A requester's response topic is its subscription too, under 3.1.1 as well: read with the request/response fields.
                continue;
            }

            if (group.ProtocolVersion != MqttProtocolVersion.V500)
            {
                Error(node, $"{path}.{field}", "is an MQTT 5.0 property; set the group's protocol: \"5.0\", or leave it out (3.1.1 has no properties)");
            }
            else if (group.Role != GroupRole.Publisher)
            {
                Error(node, $"{path}.{field}", "belongs to what a publisher group sends; a subscriber group receives the publishers' properties");
            }
        }

        PublishProperties p = group.Properties;
        if (f.TryGetValue("topic_alias", out YamlNode? ta)) group = group with { TopicAlias = Bool(ta, $"{path}.topic_alias") };
        if (f.TryGetValue("message_expiry", out YamlNode? me))
        {
            p = p with { MessageExpiry = Duration(me, $"{path}.message_expiry") };
            if (p.MessageExpiry < TimeSpan.FromSeconds(1) || p.MessageExpiry.TotalSeconds > uint.MaxValue)
            {
                Error(me, $"{path}.message_expiry", "the Message Expiry Interval counts whole seconds; allowed: 1s to 136y, such as 30s");
            }
        }

        if (f.TryGetValue("content_type", out YamlNode? ctn))
        {
            p = p with { ContentType = Text(ctn, $"{path}.content_type") };
            if (p.ContentType is { } type && (type.Contains('\0') || Encoding.UTF8.GetByteCount(type) > ushort.MaxValue))
            {
                Error(ctn, $"{path}.content_type", "an MQTT string: at most 65,535 bytes, without U+0000");
            }
        }
        if (f.TryGetValue("payload_format", out YamlNode? pf))
        {
            p = p with { PayloadUtf8 = Choice(pf, $"{path}.payload_format", ["utf8", "bytes"]) == "utf8" };
            if (p.PayloadUtf8 == true && group.PayloadCarriesStamp)
            {
                // A broker may check the claim [MQTT-3.3.2-4] and the binary stamp is not UTF-8.
                Error(pf, $"{path}.payload_format", "utf8 says the payload is UTF-8 text, and the default payload is binary (stamp and filler); give a text payload: { template: ... } or { file: ... }");
            }
        }

        if (f.TryGetValue("user_properties", out YamlNode? up))
        {
            var pairs = new List<(string, MessageTemplate)>();
            if (up is not YamlMappingNode props)
            {
                Error(up, $"{path}.user_properties", "expected a mapping of names to values, such as { site: \"%g\", seq: \"%seq\" }");
            }
            else
            {
                foreach ((YamlNode key, YamlNode value) in props.Children)
                {
                    string name = (key as YamlScalarNode)?.Value ?? "";
                    if (name == PublishProperties.StampProperty)
                    {
                        Error(key, $"{path}.user_properties.{name}", "is the name LoadGen's own stamp travels under; choose another name");
                    }
                    else if (name.Contains('\0') || Encoding.UTF8.GetByteCount(name) > ushort.MaxValue)
                    {
                        Error(key, $"{path}.user_properties.{name}", "a user property name is an MQTT string: at most 65,535 bytes, without U+0000");
                    }
                    else if (MessageTemplateField(value, $"{path}.user_properties.{name}", property: true) is { } template)
                    {
                        pairs.Add((name, template));
                    }
                }
            }

            p = p with { UserProperties = pairs };
        }

        if (group.Rpc != RpcRole.Requester && f.TryGetValue("response_topic", out YamlNode? rt) && MessageTemplateField(rt, $"{path}.response_topic", property: true) is { } responseTopic)
        {
            if (!responseTopic.IsConstantPerSession || TopicTemplate.PublishProblem(responseTopic.Text) is not null)
            {
                Error(rt, $"{path}.response_topic", "a topic name without wildcards, fixed per session (%c, %g, %i only), such as \"reply/%c\"");
            }

            p = p with { ResponseTopic = responseTopic };
        }

        if (f.TryGetValue("correlation_data", out YamlNode? cd) && MessageTemplateField(cd, $"{path}.correlation_data", property: true) is { } correlation)
        {
            p = p with { CorrelationData = correlation };
            if (group.Rpc == RpcRole.Requester)
            {
                Error(cd, $"{path}.correlation_data", "a requester's correlation data is its request's stamp, which the responder hands back to time the round trip; leave it out");
            }
        }

        // Under 5.0 a templated or recorded payload has its stamp carried beside it, so the audit still covers it.
        p = p with { CarriesStamp = group.ProtocolVersion == MqttProtocolVersion.V500 && group.Role == GroupRole.Publisher && !group.PayloadCarriesStamp };
        return group with { Properties = p };
    }

    // role: requester | responder, with response_topic, rpc_timeout (requesters), reply_topic and think_time (responders).
    private ClientGroup RequestResponse(ClientGroup group, Dictionary<string, YamlNode> f, YamlMappingNode map, string path)
    {
        bool requester = group.Rpc == RpcRole.Requester, responder = group.Rpc == RpcRole.Responder;
        foreach ((string field, bool allowed, string owner) in new[] { ("rpc_timeout", requester, "requester"), ("reply_topic", responder, "responder"), ("think_time", responder, "responder") })
        {
            if (!allowed && f.TryGetValue(field, out YamlNode? node))
            {
                Error(node, $"{path}.{field}", $"belongs to a group with role: {owner}");
            }
        }

        if (requester)
        {
            if (f.TryGetValue("rpc_timeout", out YamlNode? to))
            {
                group = group with { RpcTimeout = Duration(to, $"{path}.rpc_timeout") };
                if (group.RpcTimeout <= TimeSpan.Zero)
                {
                    Error(to, $"{path}.rpc_timeout", "allowed: a duration above zero, such as 5s");
                }
            }

            MessageTemplate? topic = f.TryGetValue("response_topic", out YamlNode? rt) ? MessageTemplateField(rt, $"{path}.response_topic", property: true) : MessageTemplate.Parse("reply/%c");
            if (topic is not null && (!topic.IsConstantPerSession || TopicTemplate.PublishProblem(topic.Text) is not null))
            {
                Error(rt ?? map, $"{path}.response_topic", "a topic name without wildcards, fixed per session (%c, %g, %i only), such as \"reply/%c\"");
            }

            group = group with { ResponseTopic = topic };
            if (group.ProtocolVersion == MqttProtocolVersion.V500)
            {
                group = group with { Properties = group.Properties with { ResponseTopic = topic, StampAsCorrelation = true } };
            }
            else if (!group.PayloadCarriesStamp && f.TryGetValue("payload", out YamlNode? pl))
            {
                Error(pl, $"{path}.payload", "a 3.1.1 request carries its stamp in the payload, which the responder echoes; a template or file has none: use protocol \"5.0\" (the stamp then goes as Correlation Data) or a size");
            }

            if (group.PayloadCarriesStamp && group.Payload.Min < PayloadStamp.Size)
            {
                Error(f.TryGetValue("payload", out YamlNode? small) ? small : map, $"{path}.payload", $"a request carries a {PayloadStamp.Size}-byte stamp to time its round trip; allowed: at least {PayloadStamp.Size} bytes");
            }
        }

        if (responder)
        {
            if (f.TryGetValue("think_time", out YamlNode? tt)) group = group with { ThinkTime = Duration(tt, $"{path}.think_time") };
            if (f.TryGetValue("reply_topic", out YamlNode? rp) && Text(rp, $"{path}.reply_topic") is { } text)
            {
                try
                {
                    group = group with { ReplyTopic = ReplyTopic.Parse(text) };
                }
                catch (FormatException ex)
                {
                    Error(rp, $"{path}.reply_topic", ex.Message);
                }
            }
            else if (group.ProtocolVersion != MqttProtocolVersion.V500)
            {
                Error(map, $"{path}.reply_topic", "a 3.1.1 request names no Response Topic: give the reply topic by convention, with %1 to %9 for the request topic's levels, such as \"rpc/reply/%3\" for requests on rpc/request/<client id>");
            }
        }

        return group;
    }

    // What one group's messages mean for another's: expiry against offline subscribers, replies against subscriptions.
    private void MessagesAcrossGroups(List<ClientGroup> groups, List<(YamlNode Node, string Path)> nodes)
    {
        for (int p = 0; p < groups.Count; p++)
        {
            ClientGroup publisher = groups[p];
            if (publisher.Role != GroupRole.Publisher || publisher.Properties.MessageExpiry <= TimeSpan.Zero)
            {
                continue;
            }

            foreach (ClientGroup away in groups.Where(g => g.Offline is { } o && o.For >= publisher.Properties.MessageExpiry))
            {
                // The broker may discard what expired while queued [MQTT-3.3.2-5]; the audit could not tell that from loss.
                Error(nodes[p].Node, $"{nodes[p].Path}.message_expiry", $"{Durations.Format(publisher.Properties.MessageExpiry)} is no longer than group {away.Name}'s " +
                    $"{Durations.Format(away.Offline!.For)} offline: the broker may discard messages queued for it, as the protocol allows, and the audit would count them lost; allowed: longer than {Durations.Format(away.Offline.For)}, or none");
            }
        }

        // Where replies go: each requester's response topic, and where a responder's reply_topic sends them.
        var replies = new List<(string Topic, string Requester)>();
        foreach (ClientGroup requester in groups.Where(g => g.Rpc == RpcRole.Requester && g.ResponseTopic is not null))
        {
            string clientId = requester.ClientId.Expand(requester.FirstSession, "", new Random(0));
            var context = new MessageContext(Encoding.UTF8.GetBytes(clientId), Encoding.UTF8.GetBytes(requester.Name), requester.FirstSession, 0, 0, 0);
            replies.Add((requester.ResponseTopic!.RenderText(context), requester.Name));
            byte[] request = Encoding.UTF8.GetBytes(requester.Topic?.Expand(requester.FirstSession, clientId, new Random(0)) ?? "");
            foreach (ClientGroup responder in groups.Where(g => g.Rpc == RpcRole.Responder && g.ReplyTopic is not null))
            {
                byte[] topic = new byte[responder.ReplyTopic!.MaxLength(request.Length)];
                int length = responder.ReplyTopic.Render(new System.Buffers.ReadOnlySequence<byte>(request), topic);
                if (length > 0)
                {
                    replies.Add((Encoding.UTF8.GetString(topic, 0, length), requester.Name));
                }
            }
        }

        for (int s = 0; s < groups.Count; s++)
        {
            foreach (SubscriptionSpec subscription in groups[s].Subscriptions)
            {
                string filter = subscription.Filter.Expand(groups[s].FirstSession, "x", new Random(0));
                if (subscription.ShareName is { } share)
                {
                    filter = filter[("$share/".Length + share.Length + 1)..];
                }

                if (replies.FirstOrDefault(r => MqttTopic.Matches(Encoding.UTF8.GetBytes(filter), Encoding.UTF8.GetBytes(r.Topic))) is { Topic: not null } reply)
                {
                    // A reply echoes its request, stamp and all: heard again it is a duplicate, and a responder would answer it.
                    Error(nodes[s].Node, $"{nodes[s].Path}.subscriptions", $"\"{subscription.Filter.Text}\" also matches \"{reply.Topic}\", where the responses of group {reply.Requester} go: " +
                        "a reply echoes its request, so it would be counted a duplicate (and a responder would answer it again); narrow the filter to the requests' topics");
                }
            }
        }
    }
}
