using System.Diagnostics;
using System.Net.Sockets;
using HdrHistogram;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine;

/// <summary>Which cases a loop study runs, and its bounds.</summary>
public sealed record LoopStudyOptions
{
    /// <summary>The loop models, in order.</summary>
    public IReadOnlyList<LoopModel> Models { get; init; } = Enum.GetValues<LoopModel>();

    /// <summary>Session counts, smallest first; a model that cannot keep up at one size skips the larger ones.</summary>
    public IReadOnlyList<int> Sessions { get; init; } = [10, 100, 1000];

    /// <summary>Windows (messages in flight per session).</summary>
    public IReadOnlyList<int> Windows { get; init; } = [1, 16];

    /// <summary>The QoS levels each workload runs at (1 or 2: the levels that are acknowledged).</summary>
    public IReadOnlyList<int> Qos { get; init; } = [1];

    /// <summary>Messages to have acknowledged in each case, spread evenly over its sessions.</summary>
    public int Messages { get; init; } = 50_000;

    /// <summary>Time limit for connecting, and again for the messages, in each case.</summary>
    public TimeSpan Limit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The broker: <c>embedded</c> or <c>mqtt://host:port</c>.</summary>
    public string Broker { get; init; } = "embedded";
}

/// <summary>
/// <c>loadgen loops</c>: the same QoS 1 (or 2) workload through every client loop model in turn, each case measured
/// the same way (throughput, handshake latency, process CPU, allocations, collections, memory per session, threads,
/// context switches). Every case is bounded in messages and time, and a model that falls behind stops there. The
/// models themselves are the client's (<see cref="LoopDriver"/>); the accounting is <see cref="ProcessCpu"/>.
/// </summary>
public static class LoopStudy
{
    private static readonly byte[] Topic = "loops/bench"u8.ToArray();
    private static readonly byte[] Payload = new byte[100];

    /// <summary>Runs every case; <paramref name="progress"/> hears about each as it ends.</summary>
    public static async Task<LoopStudyResult> RunAsync(LoopStudyOptions options, Action<LoopMeasurement>? progress, CancellationToken cancellationToken)
    {
        DateTime started = DateTime.UtcNow;
        EmbeddedBroker? embedded = null;
        string host = "127.0.0.1";
        int port;
        if (options.Broker == "embedded")
        {
            embedded = await EmbeddedBroker.StartAsync().ConfigureAwait(false);
            port = embedded.Port;
        }
        else
        {
            BrokerAddress address = BrokerAddress.ParseList(options.Broker)[0];
            (host, port) = (address.Host, address.Port);
        }

        var cases = new List<LoopMeasurement>();
        try
        {
            foreach (LoopModel model in options.Models)
            {
                // Per QoS level: a model that cannot keep up at QoS 2 may still at QoS 1.
                var failed = new Dictionary<int, string>();
                foreach (int sessions in options.Sessions)
                {
                    foreach ((int qos, int window) in options.Qos.SelectMany(q => options.Windows.Select(w => (q, w))))
                    {
                        string? failedAt = failed.GetValueOrDefault(qos);
                        LoopMeasurement measured = failedAt is not null || cancellationToken.IsCancellationRequested
                            ? new LoopMeasurement { Model = model, Sessions = sessions, Window = window, Qos = qos, Status = $"skipped: {failedAt ?? "cancelled"}" }
                            : await Task.Run(() => Measure(model, sessions, window, qos, options, host, port), CancellationToken.None).ConfigureAwait(false);
                        if (failedAt is null && measured.Status != "ok")
                        {
                            failed[qos] = $"{model} stopped at {sessions} sessions{(options.Qos.Count > 1 ? $" at QoS {qos}" : "")} ({measured.Status})";
                        }

                        cases.Add(measured);
                        progress?.Invoke(measured);
                    }
                }
            }
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync().ConfigureAwait(false);
            }
        }

        var largest = options.Models.ToDictionary(m => m.ToString(), m => cases.Where(c => c.Model == m && c.Status == "ok").Select(c => c.Sessions).DefaultIfEmpty(0).Max());
        return new LoopStudyResult(started, options.Broker, HostInfo.Current, cases, largest);
    }

    private static LoopMeasurement Measure(LoopModel model, int sessions, int window, int qos, LoopStudyOptions options, string host, int port)
    {
        int perSession = (int)Math.Ceiling((double)options.Messages / sessions);
        long planned = (long)perSession * sessions;
        var latency = new LongConcurrentHistogram(1, LatencyHistograms.HighestMicroseconds, 3);
        long acknowledged = 0;
        int[] published = new int[sessions];
        var done = new ManualResetEventSlim();
        var connected = new CountdownEvent(sessions);
        var clients = new MqttClient[sessions];
        var driver = new LoopDriver(model);
        MemoryReading before = MemoryReading.Take();
        bool stopping = false;

        // Publishes the session's next message if it has any left; true when it did.
        bool Next(int index)
        {
            if (Volatile.Read(ref stopping) || Interlocked.Increment(ref published[index]) > perSession)
            {
                return false;
            }

            return clients[index].Publish(Topic, Payload, qos).Rc == MqttErrorCode.Success;
        }

        for (int i = 0; i < sessions; i++)
        {
            int index = i;
            // The shared async model runs as the load engine runs it: no buffers held while a session waits.
            var client = new MqttClient(new MqttSessionOptions { ClientId = $"loops-{model}-{sessions}-{window}-{qos}-{i}", InflightWindow = window })
            {
                ReleaseBuffersWhenIdle = model == LoopModel.SharedAsync,
            };
            client.OnConnect = (_, _, _, rc) =>
            {
                if (rc == 0)
                {
                    connected.Signal();
                }
            };
            client.OnPublishCompleted = (c, completion) =>
            {
                latency.RecordValue(Math.Max(1, LatencyHistograms.ToMicroseconds(completion.CompletedTicks - completion.FirstSentTicks)));
                if (Interlocked.Increment(ref acknowledged) == planned)
                {
                    done.Set();
                }

                // Closed loop: the next message goes as this one completes, from the thread that drives this client.
                if (Next(index))
                {
                    driver.Flush(c);
                }
            };
            clients[i] = client;
        }

        string status = "ok";
        var clock = new Stopwatch();
        ProcessCpuReading start = ProcessCpu.Read(), end = start;
        int threadCount = 0;
        MemoryReading afterConnect = before;
        try
        {
            foreach (MqttClient client in clients)
            {
                MqttErrorCode rc = client.Connect(() => TcpTransport.Connect(host, port, TimeSpan.FromSeconds(10)));
                if (rc != MqttErrorCode.Success)
                {
                    throw new InvalidOperationException($"connect: {rc}");
                }

                driver.Add(client);
            }

            driver.Start();
            if (!connected.Wait(options.Limit))
            {
                status = $"could not keep up: {sessions - connected.CurrentCount} of {sessions} sessions connected in {options.Limit.TotalSeconds:0} s";
                return Result();
            }

            afterConnect = MemoryReading.Take();
            start = ProcessCpu.Read(perThread: true);
            clock.Start();
            // The first window of every session, from the thread that drives the clients.
            driver.Invoke(() => Kickoff(clients, window, Next), options.Limit);
            if (!done.Wait(options.Limit))
            {
                status = $"could not keep up: {Interlocked.Read(ref acknowledged)} of {planned} messages acknowledged in {options.Limit.TotalSeconds:0} s";
            }

            clock.Stop();
            threadCount = Process.GetCurrentProcess().Threads.Count;
            end = ProcessCpu.Read(perThread: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or SocketException or OutOfMemoryException)
        {
            status = $"failed: {ex.Message}";
        }
        finally
        {
            Volatile.Write(ref stopping, true);
            driver.Dispose();
            foreach (MqttClient client in clients)
            {
                client.Dispose();
            }
        }

        return Result();

        LoopMeasurement Result()
        {
            long acked = Interlocked.Read(ref acknowledged);
            double seconds = clock.Elapsed.TotalSeconds;
            double per = acked == 0 ? 0 : 1.0 / acked;
            return new LoopMeasurement
            {
                Model = model,
                Sessions = sessions,
                Window = window,
                Qos = qos,
                Status = status,
                Planned = planned,
                Acknowledged = acked,
                Seconds = seconds,
                MessagesPerSecond = seconds > 0 ? acked / seconds : 0,
                P50 = latency.TotalCount > 0 ? latency.GetValueAtPercentile(50) : 0,
                P99 = latency.TotalCount > 0 ? latency.GetValueAtPercentile(99) : 0,
                P999 = latency.TotalCount > 0 ? latency.GetValueAtPercentile(99.9) : 0,
                CpuMicrosecondsPerMessage = (end.Total - start.Total).TotalMicroseconds * per,
                KernelMicrosecondsPerMessage = (end.Kernel - start.Kernel).TotalMicroseconds * per,
                AllocatedBytesPerMessage = (end.AllocatedBytes - start.AllocatedBytes) * per,
                CollectionsPerThousandMessages = (end.Collections - start.Collections) * per * 1000,
                // Below 100 sessions the growth is lost in the noise of the heap and of pages the previous case gave back.
                ManagedBytesPerSession = sessions < 100 ? 0 : (double)(afterConnect.ManagedBytes - before.ManagedBytes) / sessions,
                ResidentBytesPerSession = sessions < 100 ? 0 : (double)(afterConnect.ResidentBytes - before.ResidentBytes) / sessions,
                Threads = threadCount,
                LoopThreads = ProcessCpu.LoopThreads(end, driver.ThreadName),
                ContextSwitchesPerMessage = (end.ContextSwitches - start.ContextSwitches) * per,
                ThreadCpuMicrosecondsPerMessage = ProcessCpu.ByThreadKind(start, end, per, driver.ThreadName),
            };
        }
    }

    private static void Kickoff(MqttClient[] clients, int window, Func<int, bool> next)
    {
        for (int w = 0; w < window; w++)
        {
            for (int i = 0; i < clients.Length; i++)
            {
                next(i);
            }
        }
    }
}
