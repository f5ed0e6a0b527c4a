using System.Diagnostics;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

public sealed partial class LoadRunner
{
    // Sessions with a will, by will topic (expanded), so a subscriber can tell a will from a live message.
    private readonly Dictionary<string, Session> _willOf = new(StringComparer.Ordinal);

    // The latest abort, so the run waits long enough for delayed wills.
    private long _lastAbort;

    // abort and offline, for one group: at their time from the start of the stages, take the first sessions by index.
    private async Task InterruptAsync(ClientGroup group, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        // The first sessions by index in the whole profile, so shards together take the share once, not once each.
        List<Session> sessions = _sessions.Where(s => s.Group == group).ToList();
        int total = group.SessionsInProfile ?? group.Sessions;
        List<Session> First(SessionInterruption i) => [.. sessions.Where((s, local) => group.FirstSession + local < i.Of(total))];
        var steps = new List<(TimeSpan At, Func<Task> Step)>();
        if (group.Abort is { } abort)
        {
            List<Session> chosen = First(abort);
            steps.Add((abort.At, () => { Abort(chosen); return Task.CompletedTask; }));
        }

        if (group.Offline is { } offline)
        {
            List<Session> chosen = First(offline);
            steps.Add((offline.At, () => { GoOffline(chosen); return Task.CompletedTask; }));
            steps.Add((offline.At + offline.For, () => ComeBackAsync(chosen)));
        }

        foreach ((TimeSpan at, Func<Task> step) in steps.OrderBy(s => s.At))
        {
            TimeSpan wait = at - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            await step().ConfigureAwait(false);
        }
    }

    // Closes the connections without DISCONNECT, as devices losing power do: the broker publishes their wills. The
    // messages then in flight are the generator's doing, counted apart so the acknowledged rule does not blame the broker.
    private void Abort(List<Session> sessions)
    {
        foreach (Session session in sessions.Where(s => s.Client.IsConnected))
        {
            long now = Stopwatch.GetTimestamp();
            Volatile.Write(ref session.AbortedAt, now);
            Volatile.Write(ref _lastAbort, now);
            if (session.Client.Abort("aborted by the profile (abort)") == MqttErrorCode.Success)
            {
                _counters.Add(RunCounter.Aborted);
                _counters.Add(RunCounter.AbortedInFlight, session.Client.Session.InFlight);
            }
        }
    }

    // A clean DISCONNECT: the persistent sessions stay with the broker, which queues their messages meanwhile.
    private void GoOffline(List<Session> sessions)
    {
        foreach (Session session in sessions.Where(s => s.Client.IsConnected))
        {
            session.Away = true;
            session.Client.Disconnect();
            _counters.Add(RunCounter.WentOffline);
        }
    }

    private async Task ComeBackAsync(List<Session> sessions)
    {
        foreach (Session session in sessions.Where(s => s.Away))
        {
            // The connection's own loop ended with the DISCONNECT; wait for it, so one client never runs two.
            await (session.Run ?? Task.CompletedTask).ConfigureAwait(false);
            session.BackAt = Stopwatch.GetTimestamp();
            session.Away = false;
            ConnectStarting(session);
            if (session.Client.Reconnect() == MqttErrorCode.Success)
            {
                session.Run = SuperviseAsync(session);
            }
            else if (FailAttempt(session))
            {
                _counters.AddError(ErrorReasons.ReconnectFailed(session.Client.LastConnectError));
            }
        }
    }

    // A delivery on an aborted session's will topic, after the abort, is its will: timed from the abort, not audited.
    private bool IsWill(Session subscriber, MqttMessage message, long now)
    {
        int length = (int)message.TopicBytes.Length;
        Span<char> topic = length <= 256 ? stackalloc char[length] : new char[length];
        int chars = System.Text.Encoding.UTF8.GetChars(message.TopicBytes.IsSingleSegment ? message.TopicBytes.FirstSpan : System.Buffers.BuffersExtensions.ToArray(message.TopicBytes), topic);
        if (!_willOf.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(topic[..chars], out Session? owner))
        {
            return false;
        }

        long aborted = Volatile.Read(ref owner.AbortedAt);
        if (aborted == 0)
        {
            // The owner is still up: a retained will from an earlier run. A will topic carries no stamped message
            // (the reader keeps it apart from every data topic), so it is not audited either way.
            return true;
        }

        _counters.Add(RunCounter.WillsReceived);
        _live.Record(LatencyMetric.Will, 0, aborted, now);
        Interlocked.Increment(ref subscriber.WillsHeard);
        return true;
    }

    // Wills the subscribers should get at QoS 1 or 2 (a QoS 0 will, or a QoS 0 grant, may be lost as the protocol
    // allows): per subscriber that stayed connected, the aborted sessions whose will topic one of its filters matches.
    private long WillsExpected(Session subscriber, bool dueOnly)
    {
        if (subscriber.Audit is null || subscriber.Audit.Shared || subscriber.LostConnection || subscriber.GrantedQos < 1)
        {
            return 0;
        }

        // Owed once the broker has had the will delay and five seconds more: a run that ended before owes nothing yet.
        long now = Stopwatch.GetTimestamp();
        byte[][] filters = [.. subscriber.Group.Subscriptions.Select(s => System.Text.Encoding.UTF8.GetBytes(s.Filter.Expand(subscriber.Index, subscriber.ClientId, Random.Shared)))];
        return _willOf.Values.Count(owner => owner.AbortedAt != 0 && owner.Client.Session.Options.Will is { QoS: > MqttQualityOfService.AtMostOnce } will &&
            (!dueOnly || owner.AbortedAt + (long)((will.DelaySeconds + 5) * (double)Stopwatch.Frequency) <= now) && filters.Any(f => MqttTopic.Matches(f, will.Topic)));
    }

    // After the stages: wait for the wills (a 5.0 will delay holds them back) and the queued messages to arrive,
    // bounded by the longest will delay plus five seconds after the last abort.
    private async Task AwaitWillsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lastAbort) == 0)
        {
            return;
        }

        TimeSpan delay = _profile.Groups.Select(g => g.Will?.Delay ?? TimeSpan.Zero).DefaultIfEmpty().Max();
        long deadline = _lastAbort + (long)((delay + TimeSpan.FromSeconds(5.05)).TotalSeconds /* just past when the last will is owed */ * Stopwatch.Frequency);
        List<Session> subscribers = _sessions.Where(s => s.Audit is not null).ToList();
        long[] expected = [.. subscribers.Select(s => WillsExpected(s, dueOnly: false))];
        while (Stopwatch.GetTimestamp() < deadline && subscribers.Where((s, i) => Interlocked.Read(ref s.WillsHeard) < expected[i]).Any())
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    // The wills and offline-queue figures, once the run is over.
    private void CountInterruptions()
    {
        foreach (Session subscriber in _sessions.Where(s => s.Audit is not null))
        {
            // Every will it will ever be owed, once all have come; otherwise those whose time is up (or that came).
            long eventual = WillsExpected(subscriber, dueOnly: false), heard = Interlocked.Read(ref subscriber.WillsHeard);
            long expected = heard >= eventual ? eventual : Math.Max(WillsExpected(subscriber, dueOnly: true), heard);
            _counters.Add(RunCounter.WillsExpected, expected);
            _counters.Add(RunCounter.WillsMissing, Math.Max(0, expected - heard));
            if (subscriber.BackAt != 0)
            {
                _counters.Add(RunCounter.QueuedReceived, subscriber.QueuedReceived);
                if (subscriber.LastQueuedAt != 0)
                {
                    _live.Record(LatencyMetric.Drain, 0, subscriber.BackAt, subscriber.LastQueuedAt);
                }
            }
        }
    }
}
