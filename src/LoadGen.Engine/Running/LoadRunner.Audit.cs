using System.Buffers;
using System.Diagnostics;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

// The delivery audit: where a delivery's stamp is, whose it is, and what the subscribers lost, doubled or reordered.
public sealed partial class LoadRunner
{
    // 3.1.1 template publishers by topic; null when the profile has none.
    private Dictionary<ReadOnlyMemory<byte>, Session>? _templateTopics;

    // Where a delivery's stamp is: a user property (5.0 templates and files), the payload read against its publisher's
    // template (3.1.1 templates with %seq and %ts), or the payload's first 16 bytes (the default).
    private bool TryStamp(MqttMessage message, long now, out long sent, out int publisher, out int sequence)
    {
        Span<byte> carried = stackalloc byte[PayloadStamp.Size];
        if (!message.Properties.IsEmpty && PublishProperties.TryReadStamp(message.Properties, carried))
        {
            return PayloadStamp.TryRead(carried, out sent, out publisher, out sequence) && IsStamp(publisher);
        }

        if (_templateTopics is not null && message.TopicBytes.IsSingleSegment && message.Payload.IsSingleSegment
            && _templateTopics.TryGetValue(message.TopicBytes.First, out Session? owner))
        {
            ClientGroup group = owner.Group;
            var known = new MessageContext(owner.ClientIdBytes, owner.GroupBytes, owner.Index, 0, 0, 0);
            if (group.PayloadTemplate!.TryMatch(message.Payload.FirstSpan, known, out long seq, out long unixMs) && seq <= int.MaxValue)
            {
                // %ts is the monotonic clock in Unix milliseconds (MonotonicUnixTime): back to ticks, to the millisecond.
                sent = Math.Min(now, MonotonicUnixTime.ToTicks(unixMs));
                publisher = DeliveryAudit.Stream(owner.Index, (int)group.Qos.Highest);
                sequence = (int)seq;
                return true;
            }
        }

        ReadOnlySpan<byte> stamp = message.Payload.IsSingleSegment ? message.Payload.FirstSpan
            : message.Payload.Slice(0, Math.Min(PayloadStamp.Size, message.Payload.Length)).ToArray();
        return PayloadStamp.TryRead(stamp, out sent, out publisher, out sequence) && IsStamp(publisher);
    }

    // Every group's global session indices, in the whole profile (other shards' publishers included).
    private readonly List<(int Start, int End, ClientGroup Group)> _streamGroups = new();

    // A stamp names a publisher of the profile, by its global index, whose group stamps its messages. Text read as a
    // stamp (a 3.1.1 template, a recorded payload) does not: ASCII in the index's bytes is hundreds of millions. The
    // send time is not checked: under shards on several machines it is another host's monotonic clock.
    private bool IsStamp(int stream)
    {
        int index = stream & 0x3FFFFFFF;
        if ((uint)stream >> 30 > 2)
        {
            return false;
        }

        foreach ((int start, int end, ClientGroup group) in _streamGroups)
        {
            if (index >= start && index < end)
            {
                return group.Role == GroupRole.Publisher && group.Stamped;
            }
        }

        return false;
    }

    // The QoS guarantee audit: per QoS, what the subscribers lost, got twice or out of order. QoS 1 must lose nothing
    // and QoS 2 must also deliver exactly once, where the broker promised it: subscribers that kept their connection
    // or a session the broker kept (session present 1), and a broker that dropped nothing from a full queue. A
    // subscription granted a lower QoS is held to the QoS granted. QoS 0 loss is reported, never failed.
    private List<QosAudit> Audit(long brokerDropped)
    {
        List<Session> subscribers = _sessions.Where(s => s.Audit is not null).ToList();
        // The consumers: a session each, or the members of a shared subscription together (they share one audit).
        List<Session[]> consumers = subscribers.GroupBy(s => s.Audit!).Select(g => g.ToArray()).ToList();
        int lostSession = subscribers.Count(s => s.SessionLost);
        int cleanLost = subscribers.Count(s => s.LostConnection && s.Group.CleanStart);
        bool promised = brokerDropped == 0 && cleanLost == 0 && lostSession == 0;

        // Messages still unacknowledged at the end (in flight on a live or a lost connection) join the ones that
        // ended unacknowledged: none of them was the broker's to deliver.
        foreach (Session publisher in _sessions.Where(s => s.Group.Role == GroupRole.Publisher))
        {
            lock (publisher.Free)
            {
                foreach (byte[]? held in publisher.InFlight)
                {
                    if (held is not null)
                    {
                        Excuse(held);
                    }
                }
            }
        }

        // Groups whose messages carry no stamp (a 3.1.1 template or file has nowhere to put it) are outside the audit.
        string[] unstampedGroups = [.. _profile.Groups.Where(g => g.Role == GroupRole.Publisher && !g.Stamped).Select(g => g.Name).Distinct()];
        long unstamped = _counters[RunCounter.Unstamped];
        string unstampedText = unstamped == 0 ? ""
            : unstampedGroups.Length > 0
                ? $"; {unstamped} messages carried no stamp (group {string.Join(", ", unstampedGroups)}: a 3.1.1 payload file has no room for one, and a 3.1.1 template is read back only with %seq and %ts, a topic of the session's own and one QoS; or use protocol 5.0, where the stamp travels in a user property): outside this audit and end-to-end latency"
                : $"; {unstamped} messages carried no stamp (payloads under {PayloadStamp.Size} bytes): outside this audit and end-to-end latency";
        var audit = new List<QosAudit>();
        for (int qos = 0; qos <= 2; qos++)
        {
            long sent = _counters.SentAt(qos);
            int level = qos;

            // Under a shard the publishers may all run elsewhere: a subscriber that heard stamped messages at this
            // QoS is audited for gaps and duplicates all the same.
            if (subscribers.Count == 0 || (sent == 0 && subscribers.All(s => s.Audit!.Received(level) == 0)))
            {
                continue;
            }

            // Each subscriber is held to the QoS it was granted for what it heard [MQTT-3.9.3-2]: a QoS 1 grant may
            // duplicate a QoS 2 stream, a QoS 0 grant may lose it. A shared subscription is held to its lowest grant.
            int Effective(Session s) => s.GrantedQos < 0 ? level : Math.Min(level, s.GrantedQos);
            int EffectiveOf(Session[] c) => c.Min(Effective);
            long Lost(Session[] c) => c[0].Audit!.Lost(level, (publisher, q) => _byIndex.TryGetValue(publisher, out Session? p) ? p.Sequences[q] : -1, _excused);
            long lost = consumers.Sum(Lost);
            long duplicates = consumers.Sum(c => c[0].Audit!.Duplicates(level));
            long received = consumers.Sum(c => c[0].Audit!.Received(level));
            long outOfOrder = consumers.Sum(c => c[0].Audit!.OutOfOrder(level));
            long away = consumers.Sum(c => c[0].Audit!.MissedAway(level));
            long lostJudged = consumers.Where(c => EffectiveOf(c) >= 1).Sum(Lost);
            long duplicatesJudged = consumers.Where(c => EffectiveOf(c) == 2).Sum(c => c[0].Audit!.Duplicates(level));
            bool broken = lostJudged > 0 || duplicatesJudged > 0;
            List<Session> downgraded = subscribers.Where(s => Effective(s) < level).ToList();
            string downgrade = downgraded.Count == 0 ? ""
                : $"QoS {qos} asked, QoS {downgraded.Min(Effective)} granted{(downgraded.Count < subscribers.Count ? $" to {downgraded.Count} of {subscribers.Count} subscribers" : "")}: audited as QoS {downgraded.Min(Effective)}{(downgraded.Count < subscribers.Count ? " for them" : "")}; ";
            string awayText = (away > 0 ? $", {away} published while subscribers were away without a session (not the broker's to deliver)" : "") + unstampedText;
            string why = brokerDropped > 0 ? "the broker dropped queued messages"
                : lostSession > 0 ? $"the broker kept no session for {lostSession} subscribers across a reconnect (session present 0)"
                : "a subscriber with a clean session lost its connection";
            string verdict = Shares(consumers, level) + downgrade + (!broken ? (lost > 0 ? $"held ({lost} lost where the QoS granted allows it){awayText}" : $"held{awayText}")
                : promised ? $"BROKEN: {lostJudged} lost{(qos == 2 ? $", {duplicatesJudged} duplicated" : "")} although subscribers kept their sessions and nothing overflowed"
                : $"not promised here ({why}): {lost} lost{awayText}");
            audit.Add(new QosAudit(qos, sent, received, lost, duplicates, outOfOrder, promised, !(broken && promised), verdict));
        }

        return audit;
    }

    // How a shared subscription's members split what they received, per group: "shared subscription $share/backend
    // (group backend, 4 members): shares 24.1-26.0 %; ". Empty when no consumer is shared or nothing arrived.
    private static string Shares(List<Session[]> consumers, int qos)
    {
        var parts = new List<string>();
        foreach (Session[] members in consumers.Where(c => c[0].Audit!.Shared && c[0].Audit!.Received(qos) > 0))
        {
            long total = members.Sum(m => m.Delivered);
            double[] shares = [.. members.Select(m => total == 0 ? 0 : (double)m.Delivered / total)];
            parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"shared subscription $share/{members[0].Group.ShareName} (group {members[0].Group.Name}, {members.Length} members, one consumer): shares {Units.Percent(Math.Round(shares.Min(), 3))} to {Units.Percent(Math.Round(shares.Max(), 3))}; "));
        }

        return string.Concat(parts);
    }
}
