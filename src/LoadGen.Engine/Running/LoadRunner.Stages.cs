using System.Diagnostics;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

public sealed partial class LoadRunner
{
    // One group's stages in order. Open model (inject, ramping_inject): message k of a stage is due at the time the
    // rate curve reaches k, and that intended time is what its response time is measured from, even when it is sent
    // late because every session's window was full. Closed model (keep_constant, ramping_constant): a number of
    // sessions each keep their window (inflight) full, publishing the next message whenever one completes.
    private async Task RunStagesAsync(ClientGroup group, CancellationToken cancellationToken)
    {
        List<Session> sessions = _sessions.Where(s => s.Group == group && s.Connected).ToList();
        if (sessions.Count == 0)
        {
            return;
        }

        double rate = 0;
        int copies = 0;
        int next = 0;
        foreach (Stage stage in group.Stages)
        {
            switch (stage.Model)
            {
                case StageModel.Pause:
                    await Task.Delay(stage.During, cancellationToken).ConfigureAwait(false);
                    break;
                case StageModel.Open:
                    next = await InjectAsync(sessions, stage.Ramps ? rate : stage.Target, stage.Target, stage.During, next, cancellationToken).ConfigureAwait(false);
                    rate = stage.Target;
                    break;
                case StageModel.Closed:
                    await KeepAsync(sessions, stage.Ramps ? copies : (int)stage.Target, (int)stage.Target, stage.During, cancellationToken).ConfigureAwait(false);
                    copies = (int)stage.Target;
                    break;
                default:
                    // A stage skipped here would pass as a quiet run: refuse what this runner does not know.
                    throw new NotSupportedException($"the runner does not know how to run a {stage.GetType().Name} ({stage.Model})");
            }
        }
    }

    private async Task<int> InjectAsync(List<Session> sessions, double fromRate, double toRate, TimeSpan during, int next,
        CancellationToken cancellationToken)
    {
        double seconds = during.TotalSeconds;
        long total = (long)((fromRate + toRate) / 2 * seconds);
        long start = Stopwatch.GetTimestamp();
        long issued = 0;
        var dirty = new HashSet<Session>();
        bool backlogged = false;
        double due = 0;
        // Messages before this index were due while the broker held every session up (full windows, no connection).
        long heldUpTo = 0;
        long lateTicks = (long)(RunCounters.LateThreshold.TotalSeconds * Stopwatch.Frequency);
        while (!cancellationToken.IsCancellationRequested)
        {
            // A late wake-up, or full windows, must not shrink the stage: past its end the loop keeps going until
            // every message the stage scheduled has been sent, each still timed from its intended moment.
            double t = Math.Min(seconds, (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency);

            // Messages due by time t under a rate moving linearly from fromRate to toRate.
            due = Math.Min(total, fromRate * t + (toRate - fromRate) * t * t / (2 * seconds));
            backlogged = false;
            while (issued < (long)due)
            {
                long intended = start + (long)(IntendedSeconds(issued + 1, fromRate, toRate, seconds) * Stopwatch.Frequency);
                bool sent = false;
                for (int attempt = 0; attempt < sessions.Count && !sent; attempt++)
                {
                    Session session = sessions[next];
                    next = (next + 1) % sessions.Count;
                    if (TrySend(session, intended))
                    {
                        dirty.Add(session);
                        sent = true;
                    }
                }

                if (!sent)
                {
                    // Every window is full (or every connection down): the message stays due, and keeps its intended
                    // time. Everything due by now was held up by the broker, so its lateness is not the generator's.
                    _counters.Add(RunCounter.Backlogged);
                    backlogged = true;
                    heldUpTo = (long)due;
                    break;
                }

                // Late by the generator's own doing only if nothing the broker did held it: not due while every
                // window was full, nor before the last connection came back from a loss.
                if (issued >= heldUpTo && intended > Volatile.Read(ref _lastDisruption) && Stopwatch.GetTimestamp() - intended > lateTicks)
                {
                    _counters.Add(RunCounter.Late);
                }

                issued++;
            }

            foreach (Session session in dirty)
            {
                await session.Client.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            dirty.Clear();
            if (t >= seconds && issued >= total)
            {
                break;
            }

            // Sleep until the next message is due. With every window full, wait for an acknowledgement (or a session
            // coming back) to free one, bounded: polling instead burned seconds of CPU against a broker that never
            // acknowledged.
            long wake = start + (long)(IntendedSeconds(Math.Min(issued + 1, total), fromRate, toRate, seconds) * Stopwatch.Frequency);
            wake = Math.Max(wake, Stopwatch.GetTimestamp() + (long)(_profile.Tick.TotalSeconds * Stopwatch.Frequency));
            try
            {
                if (backlogged)
                {
                    await _windowFreed.WaitAsync(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await PreciseTimer.Shared.WaitUntilAsync(wake, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // The run ended mid-stage: what was due and not sent is still counted below.
                break;
            }
        }

        // What the schedule made due and what of it never went out, and why: the verdict tells a generator that fell
        // behind from a broker whose acknowledgements held every window full.
        _counters.AddDue((long)due, Math.Max(0, (long)due - issued), backlogged);
        cancellationToken.ThrowIfCancellationRequested();
        return next;
    }

    // Wakes an open-model stage waiting for a window. Released when a QoS 1/2 message completes or a session connects;
    // at most one permit, so completions that nobody waits for cost a volatile read each.
    private readonly SemaphoreSlim _windowFreed = new(0, 1);

    private void SignalWindowFreed()
    {
        if (_windowFreed.CurrentCount == 0)
        {
            try
            {
                _windowFreed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another completion released it first.
            }
        }
    }

    // Inverse of the rate curve: when the k-th message of the stage is due.
    private static double IntendedSeconds(long k, double fromRate, double toRate, double seconds)
    {
        if (Math.Abs(toRate - fromRate) < 1e-9)
        {
            return k / toRate;
        }

        double a = (toRate - fromRate) / (2 * seconds);
        double b = fromRate;
        return (-b + Math.Sqrt(b * b + 4 * a * k)) / (2 * a);
    }

    private async Task KeepAsync(List<Session> sessions, int fromCopies, int toCopies, TimeSpan during, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < during && !cancellationToken.IsCancellationRequested)
        {
            double progress = clock.Elapsed / during;
            int copies = Math.Min(sessions.Count, (int)Math.Round(fromCopies + (toCopies - fromCopies) * progress));
            for (int i = 0; i < sessions.Count; i++)
            {
                bool active = i < copies;
                if (active && !sessions[i].Active)
                {
                    sessions[i].Active = true;
                    if (FillWindow(sessions[i]))
                    {
                        await sessions[i].Client.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                sessions[i].Active = active;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        foreach (Session session in sessions)
        {
            session.Active = false;
        }
    }

    // A copy of the closed model starting: as many messages as the group keeps in flight (emqtt-bench's -F), each
    // completion then sending the next, so the window stays full for as long as the copy is active.
    private bool FillWindow(Session session)
    {
        int sent = 0;
        while (sent < session.Group.Inflight && TrySend(session, 0))
        {
            sent++;
        }

        return sent > 0;
    }

    // Publishes one message from a session: QoS from the mix, a stamped payload of the group's size.
    private bool TrySend(Session session, long intendedTicks)
    {
        ClientGroup group = session.Group;
        MqttQualityOfService qos = group.Qos.Pick(session.Random.NextDouble());
        if (qos != MqttQualityOfService.AtMostOnce && session.Client.Session.IsWindowFull)
        {
            return false;
        }

        byte[] buffer;
        lock (session.Free)
        {
            if (session.InFlight.Length == 0)
            {
                // Allocated at the first send, so sessions that only connect (idle, or before their stage) stay small.
                session.Intended = new long[group.Inflight];
                session.InFlight = new byte[group.Inflight][];
            }

            // At most window + 1 buffers ever exist per session: one per in-flight message and the one being written.
            buffer = session.Free.Count > 0 ? session.Free.Pop() : new byte[session.BufferSize];
        }

        long now = Stopwatch.GetTimestamp();
        int stream = DeliveryAudit.Stream(session.Index, (int)qos), sequence = session.Sequences[(int)qos];
        ReadOnlyMemory<byte> payload, properties = default;
        int used;
        if (group.PayloadCarriesStamp)
        {
            int size = group.Payload.Min == group.Payload.Max ? group.Payload.Min : session.Random.Next(group.Payload.Min, group.Payload.Max + 1);
            PayloadStamp.Write(buffer.AsSpan(0, size), now, stream, sequence);
            payload = buffer.AsMemory(0, size);
            used = size;
        }
        else
        {
            // A template or a recorded payload: the stamp is kept at the buffer's start (what an unacknowledged
            // message is excused by) and, under 5.0, sent in a user property; the payload follows it.
            PayloadStamp.Write(buffer.AsSpan(0, PayloadStamp.Size), now, stream, sequence);
            used = PayloadStamp.Size;
            if (group.PayloadSamples is { } samples)
            {
                payload = samples[(int)(session.Published % samples.Count)];
            }
            else
            {
                var context = new MessageContext(session.ClientIdBytes, session.GroupBytes, session.Index, session.Published,
                    MonotonicUnixTime.ToUnixMilliseconds(now), session.Random.NextUInt64());
                int length = group.PayloadTemplate!.Render(buffer.AsSpan(used), context);
                payload = buffer.AsMemory(used, length);
                used += length;
            }
        }

        if (!group.Properties.IsEmpty)
        {
            var context = new MessageContext(session.ClientIdBytes, session.GroupBytes, session.Index, session.Published,
                MonotonicUnixTime.ToUnixMilliseconds(now), session.Random.NextUInt64());
            int length = group.Properties.Write(buffer.AsSpan(used), context, buffer.AsSpan(0, PayloadStamp.Size));
            properties = buffer.AsMemory(used, length);
        }

        // %rand_N topics change per message; others were expanded once for the session.
        byte[] topic = group.Topic!.IsRandom
            ? System.Text.Encoding.UTF8.GetBytes(group.Topic.Expand(session.Index, session.ClientId, Random.Shared))
            : session.Topic;
        bool retain = group.Retain >= 1 || (group.Retain > 0 && session.Random.NextDouble() < group.Retain);
        if (group.Rpc == RpcRole.Requester)
        {
            // Waiting before it is written: a response can come back on the loop thread before Publish returns.
            RequestSent(session, (int)qos, sequence, intendedTicks, now);
        }

        (MqttErrorCode rc, int mid) = session.Client.Publish(topic, payload, (int)qos, retain, properties);
        if (rc != MqttErrorCode.Success && group.Rpc == RpcRole.Requester)
        {
            RequestWithdrawn(session, (int)qos, sequence);
        }

        lock (session.Free)
        {
            if (rc != MqttErrorCode.Success || qos == MqttQualityOfService.AtMostOnce)
            {
                // Nothing holds it: a QoS 0 PUBLISH was encoded (payload copied) into the output as it was published.
                session.Free.Push(buffer);
            }
            else
            {
                session.InFlight[mid % session.InFlight.Length] = buffer;
            }
        }

        if (rc is MqttErrorCode.PayloadSize or MqttErrorCode.NotSupported && session.Client.LastPublishRefusal is { } refusal)
        {
            // The broker's CONNACK forbids this message; sending it would only get the session disconnected. It is
            // counted as not sent, and the schedule moves on (it would be refused again, however long it waited).
            ServerLimits limits = session.Client.Session.Limits;
            _counters.Add(RunCounter.NotSent);
            _counters.AddError(ErrorReasons.NotSent(refusal, limits, (int)qos));
            return true;
        }

        if (rc != MqttErrorCode.Success)
        {
            return false;
        }

        session.Sequences[(int)qos]++;
        session.Published++;
        if (group.Rpc == RpcRole.Requester)
        {
            _counters.Add(RunCounter.RpcRequests);
        }

        _counters.AddSent((int)qos);
        if (!group.Stamped || (group.PayloadCarriesStamp && payload.Length < PayloadStamp.Size))
        {
            _counters.Add(RunCounter.Unstamped);
        }
        if (retain)
        {
            _counters.Add(RunCounter.RetainedSent);
            session.Retained = true;
            if (group.ClearRetained && group.Topic.IsRandom)
            {
                // A fixed topic is the session's own; a drawn one is remembered so the run can clear it at the end.
                lock (session.Free)
                {
                    (session.RetainedTopics ??= new HashSet<string>()).Add(System.Text.Encoding.UTF8.GetString(topic));
                }
            }
        }

        if (intendedTicks != 0)
        {
            // How far behind its own schedule the generator sent this message; part of every response time.
            _live.Record(LatencyMetric.GeneratorLag, 0, intendedTicks, Math.Max(intendedTicks, now));
        }

        if (qos == MqttQualityOfService.AtMostOnce)
        {
            _counters.AddAcknowledged(0);
            _live.Record(LatencyMetric.QoS0Write, intendedTicks, now, Stopwatch.GetTimestamp());
        }
        else
        {
            session.Intended[mid % session.Intended.Length] = intendedTicks;
        }

        return true;
    }
}
