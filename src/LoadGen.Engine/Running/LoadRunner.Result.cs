using HdrHistogram;
using LoadGen.Client;

namespace LoadGen.Engine;

public sealed partial class LoadRunner
{
    private RunResult BuildResult(string broker, IReadOnlyList<QosAudit> audit, ResendCounters resends, long brokerDropped, long bytesSent,
        long bytesReceived, long inflightAtEnd, bool brokerInProcess, Dictionary<string, long>? faults)
    {
        var service = new Dictionary<string, LatencySummary>();
        var response = new Dictionary<string, LatencySummary>();
        foreach (LatencyMetric metric in Metrics)
        {
            string name = LatencyHistograms.NameOf(metric);
            // Connects and subscriptions happen before the stages, so they are judged over the whole run.
            LatencyHistograms source = metric is LatencyMetric.Connect or LatencyMetric.SubAck or LatencyMetric.TlsHandshake ? _all : _measured;
            if (source.Service(metric).TotalCount > 0)
            {
                service[name] = RunHistograms.Summarize(source.Service(metric));
                response[name] = RunHistograms.Summarize(source.Response(metric));
            }
        }

        List<TimelinePoint> measuredPoints = _timeline.Where(p => p.Phase == RunPhase.Measure).ToList();
        double seconds = Math.Max(0.001, measuredPoints.Sum(p => p.Seconds));
        long acknowledged = measuredPoints.Sum(p => p.Acknowledged);
        // The figures measured once at the end join the ones counted as the run went.
        _counters.Set(RunCounter.ConnectFailures, _sessions.Count(s => !s.Connected));
        _counters.Set(RunCounter.Publishers, _sessions.Count(s => s.Group.Role == GroupRole.Publisher && s.Group.Stages.Any(st => st is not PauseStage)));
        _counters.Set(RunCounter.Subscribers, _sessions.Count(s => s.Group.Role == GroupRole.Subscriber));
        _counters.Set(RunCounter.Lost, audit.Sum(a => a.Lost));
        _counters.Set(RunCounter.InflightAtEnd, inflightAtEnd);
        _counters.Set(RunCounter.AckTimeoutsPuback, _sessions.Sum(s => s.Client.Session.AckTimeouts.PubAck));
        _counters.Set(RunCounter.AckTimeoutsPubrec, _sessions.Sum(s => s.Client.Session.AckTimeouts.PubRec));
        _counters.Set(RunCounter.AckTimeoutsPubcomp, _sessions.Sum(s => s.Client.Session.AckTimeouts.PubComp));
        _counters.Set(RunCounter.UnexpectedAcks, _sessions.Sum(s => s.Client.Session.UnexpectedAcknowledgements));
        _counters.Set(RunCounter.Resends, resends.Total);
        _counters.Set(RunCounter.Errors, _counters.Errors);
        _counters.Set(RunCounter.BrokerDropped, brokerDropped);
        _counters.Set(RunCounter.BytesSent, bytesSent);
        _counters.Set(RunCounter.BytesReceived, bytesReceived);
        Dictionary<string, long> counters = _counters.Snapshot();

        var resendTable = new Dictionary<string, long>();
        foreach (ResendCounters.Kind kind in Enum.GetValues<ResendCounters.Kind>())
        {
            foreach (ResendCause cause in Enum.GetValues<ResendCause>())
            {
                resendTable[$"{ResendName(kind)}.{(cause == ResendCause.Interval ? "interval" : "reconnect")}"] = resends[kind, cause];
            }
        }

        // Resends per message published at that QoS, by cause: QoS 1 resends PUBLISH, QoS 2 PUBLISH and PUBREL.
        var resendRates = new Dictionary<string, double>();
        foreach ((int qos, ResendCounters.Kind[] kinds) in new[] { (1, new[] { ResendCounters.Kind.PublishQoS1 }), (2, new[] { ResendCounters.Kind.PublishQoS2, ResendCounters.Kind.PubRel }) })
        {
            long sentAt = _counters.SentAt(qos);
            foreach ((ResendCause cause, string name) in new[] { (ResendCause.Interval, "interval"), (ResendCause.Reconnect, "reconnect") })
            {
                resendRates[$"qos{qos}.{name}"] = sentAt == 0 ? 0 : (double)kinds.Sum(k => resends[k, cause]) / sentAt;
            }
        }

        double throughput = acknowledged / seconds;

        return RunVerdict.Judge(new RunResult
        {
            Profile = _profile.Name,
            ProfileText = _options.ProfileText,
            Broker = broker,
            StartedUtc = _startedUtc,
            Seconds = seconds,
            SecondsAsked = (_options.Duration ?? _profile.Duration).TotalSeconds,
            Partial = _partial is not null,
            PartialReason = _partial,
            SessionsPlanned = _sessions.Count,
            Shard = _profile.Shard.IsWhole ? null : _profile.Shard.ToString(),
            Counters = counters,
            Resends = resendTable,
            ResendRates = resendRates,
            Audit = audit,
            Faults = faults,
            Errors = new Dictionary<string, long>(_counters.ErrorsByReason),
            Throughput = throughput,
            Generator = Cost(measuredPoints, brokerInProcess),
            Host = HostInfo.Current,
            Memory = _memory is null ? null : _memory with { IncludesBroker = brokerInProcess },
            Service = service,
            Response = response,
            Percentiles = Distributions(),
            Slos = [],
            Timeline = _timeline.ToList(),
        }, _profile.Slos);
    }

    // Over the measured phase only: start-up (JIT, connects) would otherwise dominate a short run's per-message cost.
    private static GeneratorCost Cost(List<TimelinePoint> measured, bool brokerInProcess)
    {
        double cpu = measured.Sum(p => p.CpuSeconds);
        long sent = measured.Sum(p => p.Sent);
        long bytes = measured.Sum(p => p.BytesSent + p.BytesReceived);
        return new GeneratorCost(cpu, brokerInProcess, sent == 0 ? 0 : cpu * 1e6 / sent, sent == 0 ? 0 : (double)bytes / sent);
    }

    private static string ResendName(ResendCounters.Kind kind) => kind switch
    {
        ResendCounters.Kind.PublishQoS1 => "qos1.publish",
        ResendCounters.Kind.PublishQoS2 => "qos2.publish",
        ResendCounters.Kind.PubRel => "qos2.pubrel",
        _ => "qos2.pubrec",
    };

    // The latency distributions, for the percentile charts: values at the usual HdrHistogram percentiles.
    private Dictionary<string, LatencyDistribution> Distributions()
    {
        var result = new Dictionary<string, LatencyDistribution>();
        foreach (LatencyMetric metric in Metrics)
        {
            LatencyHistograms source = metric is LatencyMetric.Connect or LatencyMetric.SubAck or LatencyMetric.TlsHandshake ? _all : _measured;
            if (source.Service(metric).TotalCount == 0)
            {
                continue;
            }

            result[LatencyHistograms.NameOf(metric)] = RunHistograms.Distribution(source.Response(metric), source.Service(metric));
        }

        return result;
    }
}
