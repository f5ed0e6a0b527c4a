using HdrHistogram;
using LoadGen.Client;

namespace LoadGen.Engine;

public sealed partial class LoadRunner
{
    private RunResult BuildResult(string broker, IReadOnlyList<QosAudit> audit, ResendCounters resends, long brokerDropped, long bytesSent,
        long bytesReceived, long inflightAtEnd, bool brokerInProcess, Dictionary<string, long>? faults)
    {
        List<TimelinePoint> measuredPoints = _timeline.Where(p => p.Phase == RunPhase.Measure).ToList();
        double seconds = Math.Max(0.001, measuredPoints.Sum(p => p.Seconds));
        long acknowledged = measuredPoints.Sum(p => p.Acknowledged);
        // The figures measured once at the end join the ones counted as the run went.
        _counters.Set(RunCounter.ConnectFailures, _sessions.Count(s => !s.Connected));
        _counters.Set(RunCounter.Publishers, _sessions.Count(s => s.Group.Role == GroupRole.Publisher && s.Group.Stages.Any(st => st.Model != StageModel.Pause)));
        _counters.Set(RunCounter.Subscribers, _sessions.Count(s => s.Group.Role == GroupRole.Subscriber));
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
        _counters.Set(RunCounter.PublishBytes, _sessions.Where(s => s.Group.Role == GroupRole.Publisher).Sum(s => s.Client.Session.PublishBytesSent));
        _counters.Set(RunCounter.AliasedPublishes, _sessions.Sum(s => s.Client.Session.AliasedPublishes));
        var latency = new Dictionary<string, (HistogramBase Service, HistogramBase Response)>();
        foreach (LatencyMetric metric in Metrics)
        {
            // Connects and subscriptions happen before the stages, so they are judged over the whole run.
            LatencyHistograms source = RunHistograms.WholeRun(LatencyHistograms.NameOf(metric)) ? _all : _measured;
            latency[LatencyHistograms.NameOf(metric)] = (source.Service(metric), source.Response(metric));
        }

        return RunResultBuilder.Build(new RunMeasurements
        {
            Profile = _profile.Name,
            ProfileText = _options.ProfileText,
            Broker = broker,
            StartedUtc = _startedUtc,
            Seconds = seconds,
            SecondsAsked = (_options.Duration ?? _profile.Duration).TotalSeconds,
            PartialReason = _partial,
            SessionsPlanned = _sessions.Count,
            Shard = _profile.Shard.IsWhole ? null : _profile.Shard.ToString(),
            Counters = _counters.Snapshot(),
            Resends = RunResultBuilder.ResendTable(resends),
            Audit = audit,
            Faults = faults,
            Errors = new Dictionary<string, long>(_counters.ErrorsByReason),
            Throughput = acknowledged / seconds,
            DrainSeconds = _drainSeconds,
            Generator = Cost(measuredPoints, brokerInProcess),
            Host = HostInfo.Current,
            Memory = _memory is null ? null : _memory with { IncludesBroker = brokerInProcess },
            Latency = latency,
            Timeline = _timeline.ToList(),
            Slos = _profile.Slos,
        });
    }

    // Over the measured phase only: start-up (JIT, connects) would otherwise dominate a short run's per-message cost.
    private static GeneratorCost Cost(List<TimelinePoint> measured, bool brokerInProcess)
    {
        double cpu = measured.Sum(p => p.CpuSeconds);
        long sent = measured.Sum(p => p.Sent);
        long bytes = measured.Sum(p => p.BytesSent + p.BytesReceived);
        return new GeneratorCost(cpu, brokerInProcess, sent == 0 ? 0 : cpu * 1e6 / sent, sent == 0 ? 0 : (double)bytes / sent);
    }
}
