using System.Globalization;

namespace LoadGen.Engine;

/// <summary>
/// The verdict of a run, in one place for a single run and a shard merge alike: the profile's SLOs, judged on the
/// run's figures, and the default rules every run is held to whatever its profile says. A rule's bound is 0 unless
/// an SLO on the same figure relaxes it (<c>connect_failure_rate &lt; 1%</c>, <c>error_rate &lt; 0.1%</c>,
/// <c>unacknowledged_rate &lt; 0.1%</c>, any SLO on <c>lag</c>). The rules never blame the broker for what the
/// protocol let it drop or for the generator's own limits: each names its cause.
/// </summary>
public static class RunVerdict
{
    /// <summary>The share of open-model messages the generator may send late by its own doing before it fails the run (or one second's worth, if more).</summary>
    public const double LateTolerance = 0.01;

    /// <summary>
    /// Judges <paramref name="result"/>: its SLOs against <paramref name="slos"/> and the default rules; returns it with
    /// <see cref="RunResult.Slos"/> and <see cref="RunResult.Rules"/> filled.
    /// </summary>
    public static RunResult Judge(RunResult result, IReadOnlyList<SloThreshold> slos)
    {
        result = result with { ErrorRate = ErrorRate(result) };
        IReadOnlyDictionary<string, long> c = result.Counters;
        double connectFailureRate = Rate(c.Get(RunCounter.ConnectFailures), result.SessionsPlanned);
        long sent12 = c.Get(RunCounter.SentQos1) + c.Get(RunCounter.SentQos2);
        long unacknowledged = Math.Max(0, sent12 - c.Get(RunCounter.AcknowledgedQos1) - c.Get(RunCounter.AcknowledgedQos2));
        // In flight on sessions the profile aborted: the generator's doing, judged by neither the rule nor the SLO.
        double unacknowledgedRate = Rate(Math.Max(0, unacknowledged - c.Get(RunCounter.AbortedInFlight)), sent12);
        List<SloOutcome> outcomes = slos.Select(slo => Outcome(slo, result, connectFailureRate, unacknowledgedRate)).ToList();

        var rules = new List<VerdictRule?>
        {
            Complete(result),
            Connect(result, slos, connectFailureRate),
            Errors(result, slos),
            Acknowledged(result, slos, sent12, unacknowledged),
            Throughput(result),
            Delivery(result),
            Generator(result, slos),
            Wills(result),
            Responses(result),
        };
        return result with { Slos = outcomes, Rules = rules.Where(r => r is not null).Select(r => r!).ToList() };
    }

    /// <summary>
    /// Errors per message sent; when nothing was sent (a run that never got to publish, a <c>conn</c> or subscriber
    /// run), errors per session planned. At most 1.
    /// </summary>
    public static double ErrorRate(RunResult r)
    {
        long errors = r.Errors.Values.Sum();
        long sent = r.Counters.Get(RunCounter.Sent);
        return errors == 0 ? 0 : Math.Min(1, (double)errors / (sent > 0 ? sent : Math.Max(1, r.SessionsPlanned)));
    }

    private static SloOutcome Outcome(SloThreshold slo, RunResult r, double connectFailureRate, double unacknowledgedRate)
    {
        double? measured = slo.Metric switch
        {
            "throughput" => r.Throughput,
            "error_rate" => r.ErrorRate,
            "connect_failure_rate" => connectFailureRate,
            "unacknowledged_rate" => unacknowledgedRate,
            _ => RunHistograms.Percentile(r.Response, slo),
        };

        // No samples is no evidence: a latency SLO on a metric the run never measured fails, as "no data".
        bool passed = measured is { } m && double.IsFinite(m) && slo.Holds(m);
        return new SloOutcome(slo.Text, measured is { } v && double.IsFinite(v) ? v : null, passed) { Shown = slo.Format(measured) };
    }

    private static VerdictRule Complete(RunResult r) => r.Partial
        ? new VerdictRule("complete", false, $"the run was cut short: {r.PartialReason}")
        : new VerdictRule("complete", true, "the run went its full length");

    private static VerdictRule Connect(RunResult r, IReadOnlyList<SloThreshold> slos, double rate)
    {
        long failures = r.Counters.Get(RunCounter.ConnectFailures);
        long connected = r.Counters.Get(RunCounter.SessionsConnected);
        SloThreshold? relax = slos.FirstOrDefault(s => s.Metric == "connect_failure_rate");
        bool passed = relax is null ? failures == 0 && connected >= r.SessionsPlanned : relax.Holds(rate);
        if (failures == 0 && connected >= r.SessionsPlanned)
        {
            return new VerdictRule("connect", passed, $"every session connected ({connected} of {r.SessionsPlanned})", relax?.Text);
        }

        string causes = Causes(r.Errors.Where(e => ErrorReasons.IsConnectFailure(e.Key)));
        return new VerdictRule("connect", passed,
            $"{r.SessionsPlanned - connected} of {r.SessionsPlanned} sessions did not connect{(causes.Length > 0 ? $": {causes}" : "")}" +
            (relax is not null && passed ? $" (allowed by {relax.Text})" : ""), relax?.Text);
    }

    // The errors no other rule owns: a refused connect is the connect rule's, a refused or timed-out message the
    // acknowledged rule's, so relaxing those (connect_failure_rate, unacknowledged_rate) is not undone here. An
    // error_rate SLO judges every error.
    private static VerdictRule Errors(RunResult r, IReadOnlyList<SloThreshold> slos)
    {
        SloThreshold? relax = slos.FirstOrDefault(s => s.Metric == "error_rate");
        List<KeyValuePair<string, long>> own = r.Errors.Where(e => !ErrorReasons.IsConnectFailure(e.Key) && !ErrorReasons.IsUnacknowledged(e.Key)).ToList();
        long errors = own.Sum(e => e.Value);
        bool passed = errors == 0 || (relax is not null && relax.Holds(r.ErrorRate));
        long sent = r.Counters.Get(RunCounter.Sent);
        string share = sent > 0 ? $"{Units.Percent(r.ErrorRate)} of messages sent, all errors counted" : "nothing was sent";
        return errors == 0
            ? new VerdictRule("errors", passed, r.Errors.Count == 0 ? "no errors" : $"no errors beyond those the connect and acknowledged rules judge ({share})", relax?.Text)
            : new VerdictRule("errors", passed, $"{errors} errors ({share}): {Causes(own)}" +
                (relax is not null && passed ? $" (allowed by {relax.Text})" : ""), relax?.Text);
    }

    // Every QoS 1/2 message sent must come back acknowledged; what did not is accounted for by cause.
    private static VerdictRule? Acknowledged(RunResult r, IReadOnlyList<SloThreshold> slos, long sent, long unacknowledged)
    {
        if (sent == 0)
        {
            return null;
        }

        IReadOnlyDictionary<string, long> c = r.Counters;
        SloThreshold? relax = slos.FirstOrDefault(s => s.Metric == "unacknowledged_rate");
        // What was in flight on sessions the profile aborted never had a chance: the generator's doing, not judged.
        long judged = Math.Max(0, unacknowledged - c.Get(RunCounter.AbortedInFlight));
        bool passed = relax is null ? judged == 0 : relax.Holds(Rate(judged, sent));
        if (unacknowledged == 0)
        {
            return new VerdictRule("acknowledged", passed, $"every QoS 1/2 message was acknowledged ({sent})", relax?.Text);
        }

        long refused = c.Get(RunCounter.Refused), dropped = c.Get(RunCounter.DroppedWithSession), timedOut = c.Get(RunCounter.TimedOut);
        long inflight = c.Get(RunCounter.InflightAtEnd), aborted = c.Get(RunCounter.AbortedInFlight);
        long unexplained = Math.Max(0, unacknowledged - refused - dropped - timedOut - inflight - aborted);
        var parts = new List<string>();
        if (refused > 0) parts.Add($"{refused} refused by the broker");
        if (timedOut > 0) parts.Add($"{timedOut} timed out");
        if (dropped > 0) parts.Add($"{dropped} dropped with the session (the broker kept none, as the protocol allows)");
        if (inflight > 0) parts.Add($"{inflight} still in flight at the end");
        if (aborted > 0) parts.Add($"{aborted} in flight on sessions the profile aborted (abort: the generator's doing)");
        if (unexplained > 0) parts.Add($"{unexplained} in flight on connections that were lost");
        return new VerdictRule("acknowledged", passed,
            $"{unacknowledged} of {sent} QoS 1/2 messages were not acknowledged: {string.Join(", ", parts)}" +
            (relax is not null && passed ? $" (allowed by {relax.Text})" : ""), relax?.Text);
    }

    // Wills of aborted sessions owed at QoS 1 or 2 to subscribers that stayed connected must all arrive.
    private static VerdictRule? Wills(RunResult r)
    {
        long expected = r.Counters.Get(RunCounter.WillsExpected), missing = r.Counters.Get(RunCounter.WillsMissing);
        if (expected == 0)
        {
            return null;
        }

        return missing == 0
            ? new VerdictRule("wills", true, $"every will owed arrived ({expected}, from {r.Counters.Get(RunCounter.Aborted)} aborted sessions)")
            : new VerdictRule("wills", false, $"{missing} of {expected} wills owed at QoS 1/2 never arrived, though their sessions were aborted and the subscribers stayed connected");
    }

    // Requesters must hear back: every response owed (QoS 1/2 on the whole way, the requester connected and subscribed)
    // arrived, and, whatever the QoS, at least one response to a run's requests.
    private static VerdictRule? Responses(RunResult r)
    {
        long requests = r.Counters.Get(RunCounter.RpcRequests), responses = r.Counters.Get(RunCounter.RpcResponses);
        if (requests == 0)
        {
            return null;
        }

        long timeouts = r.Counters.Get(RunCounter.RpcTimeouts), excused = r.Counters.Get(RunCounter.RpcTimeoutsExcused);
        string excusedText = excused > 0 ? $"; {excused} unanswered where the protocol allowed it (QoS 0 on the way, or the requester reconnecting)" : "";
        return responses == 0 ? new VerdictRule("responses", false, $"no response came back to any of {requests} requests{excusedText}")
            : timeouts > 0 ? new VerdictRule("responses", false, $"{timeouts} of {requests} requests got no response within their rpc_timeout{excusedText}")
            : new VerdictRule("responses", true, $"{responses} of {requests} requests answered{excusedText}");
    }

    private static VerdictRule? Throughput(RunResult r)
    {
        if (r.Counters.Get(RunCounter.Publishers) == 0)
        {
            return null;
        }

        long acknowledged = r.Counters.Get(RunCounter.Acknowledged);
        return acknowledged > 0
            ? new VerdictRule("throughput", true, $"publishers achieved {Units.MessagesPerSecond(r.Throughput)} acknowledged")
            : new VerdictRule("throughput", false, $"publishers achieved no throughput: {r.Counters.Get(RunCounter.Sent)} sent, none acknowledged");
    }

    // Subscribers must hear something: from the run's own publishers, or, in a subscriber-only run (messages come
    // from elsewhere), from anyone at all; a subscription that received nothing measured nothing.
    private static VerdictRule? Delivery(RunResult r)
    {
        IReadOnlyDictionary<string, long> c = r.Counters;
        bool publishers = c.Get(RunCounter.Publishers) > 0;
        if (c.Get(RunCounter.Subscribers) == 0 || (publishers && c.Get(RunCounter.Sent) == 0))
        {
            return null;
        }

        long received = c.Get(RunCounter.Received);
        return received > 0
            ? new VerdictRule("delivery", true, $"subscribers received {received} messages")
            : new VerdictRule("delivery", false, publishers
                ? $"subscribers received nothing of {c.Get(RunCounter.Sent)} messages sent"
                : "subscribers received nothing: no message matched their subscriptions while the run lasted");
    }

    // A load generator must never report its own limit as the broker's: late or unsent messages that were not held up
    // by full windows are the generator's, and fail the run as such.
    private static VerdictRule? Generator(RunResult r, IReadOnlyList<SloThreshold> slos)
    {
        IReadOnlyDictionary<string, long> c = r.Counters;
        long due = c.Get(RunCounter.Due);
        if (due == 0)
        {
            return null;
        }

        long late = c.Get(RunCounter.Late), unsent = c.Get(RunCounter.UnsentByGenerator), windowsFull = c.Get(RunCounter.UnsentWindowsFull);
        double cpu = CpuShare(r);
        string cpuText = double.IsNaN(cpu) ? "" : $"; generator CPU {Units.Percent(cpu)} of {r.Host!.ProcessorCount} cores";
        string held = windowsFull > 0 ? $"; {windowsFull} more waited for full windows (the broker acknowledged too slowly)" : "";
        SloThreshold? relax = slos.FirstOrDefault(s => s.Histogram == LatencyMetrics.Of(LatencyMetric.GeneratorLag).Name);
        // A hiccup (the first sends' JIT compilation, a long GC) makes a burst of messages late and is caught up: up
        // to one second's worth of the run's mean rate, or 1 % of what was due, is tolerated. A generator that cannot
        // keep up falls behind for most of the run and is well past either.
        double allowed = Math.Max(LateTolerance * due, r.Seconds > 1 ? due / r.Seconds : due);
        bool passed = relax is not null || late + unsent <= allowed;
        if (late + unsent == 0)
        {
            return new VerdictRule("generator", passed, $"the generator kept its schedule ({due} messages due){held}{cpuText}", relax?.Text);
        }

        string what = $"the generator sent {late} of {due} due messages over {Durations.Format(RunCounters.LateThreshold)} late by its own scheduling" +
            (unsent > 0 ? $" and never sent {unsent}" : "") + held + cpuText;
        return new VerdictRule("generator", passed, passed
            ? $"{what} (within {(relax is null ? $"{allowed:0}: 1 % of those due or one second's worth" : relax.Text)})"
            : $"{what}: the offered load was lower than asked because of the generator, not the broker; add generator capacity (--workers, shards, more source addresses)",
            relax?.Text);
    }

    /// <summary>The generator's CPU over the measured phase as a share of every core of the machine (0 to 1); NaN when not measured.</summary>
    public static double CpuShare(RunResult r) =>
        r.Generator is { } g && r.Seconds > 0 && r.Host is { ProcessorCount: > 0 } host ? g.CpuSeconds / (r.Seconds * host.ProcessorCount) : double.NaN;

    // Error reasons, most frequent first: "connect refused: not authorized (5) ×5, connection lost ×2".
    private static string Causes(IEnumerable<KeyValuePair<string, long>> errors) =>
        string.Join(", ", errors.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(5).Select(e => $"{e.Key} ×{e.Value}"));

    private static double Rate(long part, long whole) => whole == 0 ? 0 : (double)part / whole;


}
