using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

// Request/response. A requester is a publisher whose messages are requests: each carries the requester's response
// topic (5.0: as Response Topic; 3.1.1: the responder knows it by convention) and its stamp (5.0: as Correlation
// Data; 3.1.1: in the payload, which the responder echoes). A responder is a subscriber that answers every request
// on that topic, with the request's payload and correlation data. The round trip is the rpc metric: response time
// from the request's intended send, service time from its actual send; a request unanswered within rpc_timeout is
// counted and is an error.
public sealed partial class LoadRunner
{
    // A responder that answers at QoS 0 may lose replies as the protocol allows: no timeout is then the broker's fault.
    private bool RepliesMayBeLost => _profile.Groups.Any(g => g.Rpc == RpcRole.Responder && g.Qos.Weight0 > 0);

    // After a request is published: remembered until its response comes or its time is up.
    private static void RequestSent(Session session, int qos, int sequence, long intendedTicks, long sentTicks)
    {
        lock (session.Free)
        {
            // A QoS 0 request is as acknowledged as it will ever be once written.
            (session.Pending ??= new Dictionary<long, (long, long, bool)>())[PendingKey(qos, sequence)] = (intendedTicks == 0 ? sentTicks : intendedTicks, sentTicks, qos == 0);
        }
    }

    private static long PendingKey(int qos, int sequence) => ((long)qos << 32) | (uint)sequence;

    // The broker acknowledged a request (called under the session's lock, from its completion).
    private static void RequestAcknowledged(Session session, ReadOnlySpan<byte> stamp)
    {
        if (PayloadStamp.TryRead(stamp, out _, out int stream, out int sequence) && session.Pending is not null)
        {
            ref (long Intended, long Sent, bool Acknowledged) entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(
                session.Pending, PendingKey((int)((uint)stream >> 30), sequence));
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
            {
                entry.Acknowledged = true;
            }
        }
    }

    // A request that will get no response for a reason already counted (not written, refused, dropped with a session
    // the broker did not keep, its acknowledgement timed out, its responder could not answer): not an rpc timeout too.
    private static void RequestWithdrawn(Session session, int qos, int sequence)
    {
        lock (session.Free)
        {
            session.Pending?.Remove(PendingKey(qos, sequence));
        }
    }

    // The same, found from the stamp a request carried (its buffer, or what a responder received).
    private void RequestWithdrawn(ReadOnlySpan<byte> stamp)
    {
        if (PayloadStamp.TryRead(stamp, out _, out int stream, out int sequence) && _byIndex.TryGetValue(stream & 0x3FFFFFFF, out Session? requester)
            && requester.Group.Rpc == RpcRole.Requester)
        {
            RequestWithdrawn(requester, (int)((uint)stream >> 30), sequence);
        }
    }

    // Requests still in flight (never acknowledged) at the end: their buffers hold their stamps.
    private void WithdrawUnacknowledgedRequests()
    {
        foreach (Session session in _sessions.Where(s => s.Group.Rpc == RpcRole.Requester))
        {
            byte[][] held;
            lock (session.Free)
            {
                held = [.. session.InFlight.OfType<byte[]>()];
            }

            foreach (byte[] request in held)
            {
                RequestWithdrawn(request.AsSpan(0, PayloadStamp.Size));
            }
        }
    }

    // The stamp of a request as a responder received it: its Correlation Data (5.0), else its payload's start.
    private static bool RequestStamp(MqttMessage request, Span<byte> stamp)
    {
        if (!request.Properties.IsEmpty && request.Properties.TryGetData(MqttPropertyId.CorrelationData, out ReadOnlySequence<byte> correlation)
            && correlation.Length == PayloadStamp.Size)
        {
            correlation.CopyTo(stamp);
            return true;
        }

        if (request.Payload.Length < PayloadStamp.Size)
        {
            return false;
        }

        request.Payload.Slice(0, PayloadStamp.Size).CopyTo(stamp);
        return true;
    }

    // A message on a requester's response topic.
    private void ResponseArrived(Session session, MqttMessage message, long now)
    {
        Span<byte> stamp = stackalloc byte[PayloadStamp.Size];
        if (!RequestStamp(message, stamp) || !PayloadStamp.TryRead(stamp, out _, out int stream, out int sequence) || (stream & 0x3FFFFFFF) != session.Index)
        {
            _counters.Add(RunCounter.RpcUnmatched);
            return;
        }

        (long Intended, long Sent, bool Acknowledged) request;
        lock (session.Free)
        {
            if (session.Pending is null || !session.Pending.Remove(PendingKey((int)((uint)stream >> 30), sequence), out request))
            {
                // Answered already (a duplicate response) or given up on (timed out): not a round trip to time again.
                _counters.Add(RunCounter.RpcUnmatched);
                return;
            }
        }

        _counters.Add(RunCounter.RpcResponses);
        _live.Record(LatencyMetric.Rpc, request.Intended, request.Sent, now);
    }

    // Requests older than their group's rpc_timeout are counted as timed out and forgotten, each second; at the end
    // (all), whatever is still unanswered too.
    private void TimeOutRequests(bool all)
    {
        long now = Stopwatch.GetTimestamp();
        bool repliesMayBeLost = RepliesMayBeLost;
        foreach (Session session in _sessions)
        {
            if (session.Group.Rpc != RpcRole.Requester || session.Pending is null)
            {
                continue;
            }

            long limit = (long)(session.Group.RpcTimeout.TotalSeconds * Stopwatch.Frequency);
            long excusedBefore = Volatile.Read(ref session.RpcExcusedBefore);
            int expired = 0, excused = 0;
            lock (session.Free)
            {
                foreach ((long key, (long _, long sent, bool acknowledged)) in session.Pending)
                {
                    // Removing while enumerating is allowed for Dictionary (it does not invalidate the enumerator).
                    // An unacknowledged request waits for its acknowledgement's own outcome (ack_timeout, refusal,
                    // the end of the run), which the acknowledged rule judges: its response is not owed yet.
                    if ((all || now - sent > limit) && (acknowledged || all))
                    {
                        session.Pending.Remove(key);
                        // The protocol let the round trip be lost: a QoS 0 request, a QoS 0 subscription to the
                        // responses, QoS 0 replies, or the requester was disconnected or not yet subscribed again.
                        bool promised = key >> 32 >= 1 && session.GrantedQos >= 1 && !repliesMayBeLost && sent > excusedBefore;
                        if (promised)
                        {
                            expired++;
                        }
                        else
                        {
                            excused++;
                        }
                    }
                }
            }

            for (int i = 0; i < expired; i++)
            {
                _counters.Add(RunCounter.RpcTimeouts);
                _counters.AddError(all ? "rpc: no response before the run ended" : $"rpc: no response within {Durations.Format(session.Group.RpcTimeout)}");
            }

            for (int i = 0; i < excused; i++)
            {
                _counters.Add(RunCounter.RpcTimeoutsExcused);
            }
        }
    }

    // After the stages: responses still on their way get up to the longest rpc_timeout (the result counts the rest).
    private async Task AwaitResponsesAsync(CancellationToken cancellationToken)
    {
        List<Session> requesters = _sessions.Where(s => s.Group.Rpc == RpcRole.Requester).ToList();
        if (requesters.Count == 0)
        {
            return;
        }

        TimeSpan longest = requesters.Max(s => s.Group.RpcTimeout);
        await WaitAsync(() => requesters.All(s => { lock (s.Free) { return s.Pending is null || s.Pending.Count == 0; } }), longest, cancellationToken).ConfigureAwait(false);
    }

    // A request reached a responder: answer it, now or after the think time.
    private void Respond(Session session, MqttMessage request)
    {
        ClientGroup group = session.Group;
        ReadOnlySequence<byte> replyTo = default;
        bool named = group.ProtocolVersion == MqttProtocolVersion.V500 && request.Properties.TryGetData(MqttPropertyId.ResponseTopic, out replyTo) && replyTo.Length > 0;
        if (!named && group.ReplyTopic is null)
        {
            Unanswerable(request, "rpc: a request without a Response Topic, and the responder has no reply_topic");
            return;
        }

        bool hasCorrelation = group.ProtocolVersion == MqttProtocolVersion.V500 && request.Properties.TryGetData(MqttPropertyId.CorrelationData, out _);
        ReadOnlySequence<byte> correlation = default;
        if (hasCorrelation)
        {
            request.Properties.TryGetData(MqttPropertyId.CorrelationData, out correlation);
        }

        int topicRoom = named ? (int)replyTo.Length : group.ReplyTopic!.MaxLength((int)request.TopicBytes.Length);
        int size = topicRoom + (int)request.Payload.Length + (hasCorrelation ? 3 + (int)correlation.Length : 0);
        byte[] buffer;
        lock (session.Free)
        {
            if (session.InFlight.Length == 0)
            {
                session.Intended = new long[group.Inflight];
                session.InFlight = new byte[group.Inflight][];
            }

            buffer = session.Free.Count > 0 ? session.Free.Pop() : new byte[Math.Max(size, 256)];
        }

        if (buffer.Length < size)
        {
            // A larger request than any before: the buffer grows once, and the pool keeps the larger one.
            buffer = new byte[size];
        }

        int topicLength;
        if (named)
        {
            replyTo.CopyTo(buffer);
            topicLength = (int)replyTo.Length;
        }
        else
        {
            topicLength = group.ReplyTopic!.Render(request.TopicBytes, buffer.AsSpan(0, topicRoom));
            if (topicLength <= 0)
            {
                Release(session, buffer);
                Unanswerable(request, $"rpc: the request topic has too few levels for reply_topic \"{group.ReplyTopic.Text}\"");
                return;
            }
        }

        request.Payload.CopyTo(buffer.AsSpan(topicLength));
        int payloadEnd = topicLength + (int)request.Payload.Length, end = payloadEnd;
        if (hasCorrelation)
        {
            buffer[end] = (byte)MqttPropertyId.CorrelationData;
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(end + 1), (ushort)correlation.Length);
            correlation.CopyTo(buffer.AsSpan(end + 3));
            end += 3 + (int)correlation.Length;
        }

        var reply = new Reply(buffer, topicLength, payloadEnd, end);
        if (group.ThinkTime > TimeSpan.Zero)
        {
            _ = RespondLaterAsync(session, reply, Stopwatch.GetTimestamp() + (long)(group.ThinkTime.TotalSeconds * Stopwatch.Frequency));
            return;
        }

        SendReply(session, reply);
    }

    private readonly record struct Reply(byte[] Buffer, int TopicLength, int PayloadEnd, int End);

    private async Task RespondLaterAsync(Session session, Reply reply, long due)
    {
        await PreciseTimer.Shared.WaitUntilAsync(due, CancellationToken.None).ConfigureAwait(false);
        if (SendReply(session, reply))
        {
            await session.Client.FlushAsync().ConfigureAwait(false);
        }
    }

    // Replies a responder holds while its in-flight window is full, at most this many per session; beyond, a reply is
    // given up (counted, an error): the broker is acknowledging far slower than requests come.
    private const int ReplyBacklogLimit = 10_000;

    private bool SendReply(Session session, Reply reply)
    {
        MqttQualityOfService qos = session.Group.Qos.Pick(session.Random.NextDouble());
        (MqttErrorCode rc, int mid) = session.Client.Publish(reply.Buffer.AsMemory(0, reply.TopicLength),
            reply.Buffer.AsMemory(reply.TopicLength, reply.PayloadEnd - reply.TopicLength), (int)qos, false,
            reply.Buffer.AsMemory(reply.PayloadEnd, reply.End - reply.PayloadEnd));
        if (rc == MqttErrorCode.QueueSize)
        {
            // The window is the generator's, not the broker's promise: the reply waits for a slot, as a publisher's
            // message waits for its window, and goes when an earlier reply's handshake ends (ReplyCompleted).
            lock (session.Free)
            {
                Queue<Reply> backlog = session.ReplyBacklog ??= new Queue<Reply>();
                if (backlog.Count < ReplyBacklogLimit)
                {
                    backlog.Enqueue(reply);
                    _counters.Add(RunCounter.RpcRepliesWaited);
                    return false;
                }
            }
        }

        if (rc != MqttErrorCode.Success)
        {
            // Counted once, here: the requester waiting for it is told, so it is not a timeout as well.
            RequestWithdrawn(reply.End - reply.PayloadEnd == 3 + PayloadStamp.Size
                ? reply.Buffer.AsSpan(reply.PayloadEnd + 3, PayloadStamp.Size)
                : reply.Buffer.AsSpan(reply.TopicLength, Math.Min(PayloadStamp.Size, reply.PayloadEnd - reply.TopicLength)));
            Release(session, reply.Buffer);
            _counters.Add(RunCounter.RpcUnanswerable);
            _counters.AddError(rc == MqttErrorCode.QueueSize
                ? $"rpc: {ReplyBacklogLimit} replies were waiting for the responder's in-flight window ({session.Group.Inflight})"
                : $"rpc: the reply could not be published ({rc})");
            return false;
        }

        _counters.Add(RunCounter.RpcReplies);
        if (qos == MqttQualityOfService.AtMostOnce)
        {
            Release(session, reply.Buffer);
        }
        else
        {
            lock (session.Free)
            {
                session.InFlight[mid % session.InFlight.Length] = reply.Buffer;
            }
        }

        return true;
    }

    private void Unanswerable(MqttMessage request, string reason)
    {
        Span<byte> stamp = stackalloc byte[PayloadStamp.Size];
        if (RequestStamp(request, stamp))
        {
            RequestWithdrawn(stamp);
        }

        _counters.Add(RunCounter.RpcUnanswerable);
        _counters.AddError(reason);
    }

    private static void Release(Session session, byte[] buffer)
    {
        lock (session.Free)
        {
            session.Free.Push(buffer);
        }
    }

    // A responder's reply finished its handshake: its buffer goes back; a refusal is the broker's answer, counted.
    private void ReplyCompleted(Session session, PublishCompletion c)
    {
        lock (session.Free)
        {
            int slot = c.PacketId % session.InFlight.Length;
            if (session.InFlight[slot] is { } done)
            {
                session.Free.Push(done);
                session.InFlight[slot] = null;
            }
        }

        if (c.TimedOut)
        {
            _counters.AddError(ErrorReasons.AckTimeout(c.WaitingFor, session.Group.AckTimeout));
        }
        else if (!c.Succeeded && !c.Discarded)
        {
            _counters.AddError(ErrorReasons.PublishRefused(c.ReasonCode));
        }

        // A slot is free: the oldest reply waiting for one goes now.
        Reply next;
        lock (session.Free)
        {
            if (session.ReplyBacklog is not { Count: > 0 } backlog)
            {
                return;
            }

            next = backlog.Dequeue();
        }

        if (SendReply(session, next))
        {
            _ = session.Client.FlushAsync();
        }
    }

    // A requester's subscription: its response topic, at the highest QoS it asks for.
    private MqttSubscriptionList ResponseSubscription(Session session)
    {
        var context = new MessageContext(Encoding.UTF8.GetBytes(session.ClientId), Encoding.UTF8.GetBytes(session.Group.Name), session.Index, 0, 0, 0);
        string topic = session.Group.ResponseTopic!.RenderText(context);
        return MqttSubscriptionList.Create(new MqttSubscription(topic, session.Group.Qos.Highest));
    }
}
