using System.Diagnostics;
using System.Net.Sockets;
using HdrHistogram;
using LoadGen.Client;
using LoadGen.Protocol;

namespace LoadGen.Engine.Loops;

/// <summary>Which cases a loop study runs, and its bounds.</summary>
public sealed record LoopStudyOptions
{
    /// <summary>The loop models, in order.</summary>
    public IReadOnlyList<LoopModel> Models { get; init; } = Enum.GetValues<LoopModel>();

    /// <summary>Session counts, smallest first; a model that cannot keep up at one size skips the larger ones.</summary>
    public IReadOnlyList<int> Sessions { get; init; } = [10, 100, 1000];

    /// <summary>QoS 1 windows (messages in flight per session).</summary>
    public IReadOnlyList<int> Windows { get; init; } = [1, 16];

    /// <summary>Messages to have acknowledged in each case, spread evenly over its sessions.</summary>
    public int Messages { get; init; } = 50_000;

    /// <summary>Time limit for connecting, and again for the messages, in each case.</summary>
    public TimeSpan Limit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The broker: <c>embedded</c> or <c>mqtt://host:port</c>.</summary>
    public string Broker { get; init; } = "embedded";
}

/// <summary>
/// <c>loadgen loops</c>: the same QoS 1 workload through every client loop model in turn, each case measured the same
/// way (throughput, PUBLISH→PUBACK latency, process CPU, allocations, collections, memory per session, threads,
/// context switches). Every case is bounded in messages and time, and a model that falls behind stops there.
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
                string? failedAt = null;
                foreach (int sessions in options.Sessions)
                {
                    foreach (int window in options.Windows)
                    {
                        LoopMeasurement measured = failedAt is not null || cancellationToken.IsCancellationRequested
                            ? new LoopMeasurement { Model = model, Sessions = sessions, Window = window, Status = $"skipped: {failedAt ?? "cancelled"}" }
                            : await Task.Run(() => Measure(model, sessions, window, options, host, port), CancellationToken.None).ConfigureAwait(false);
                        if (failedAt is null && measured.Status != "ok")
                        {
                            failedAt = $"{model} stopped at {sessions} sessions ({measured.Status})";
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

    private static LoopMeasurement Measure(LoopModel model, int sessions, int window, LoopStudyOptions options, string host, int port)
    {
        int perSession = (int)Math.Ceiling((double)options.Messages / sessions);
        long planned = (long)perSession * sessions;
        var latency = new LongConcurrentHistogram(1, LatencyHistograms.HighestMicroseconds, 3);
        long acknowledged = 0;
        int[] published = new int[sessions];
        var done = new ManualResetEventSlim();
        var connected = new CountdownEvent(sessions);
        var stop = new CancellationTokenSource();
        var clients = new MqttClient[sessions];
        var threads = new List<Thread>();
        var runs = new List<Task>();
        MemoryReading before = MemoryReading.Take();
        int threadsBefore = Process.GetCurrentProcess().Threads.Count;

        // Publishes the session's next message if it has any left; true when it did.
        bool Next(int index)
        {
            if (stop.IsCancellationRequested || Interlocked.Increment(ref published[index]) > perSession)
            {
                return false;
            }

            return clients[index].Publish(Topic, Payload, 1).Rc == MqttErrorCode.Success;
        }

        for (int i = 0; i < sessions; i++)
        {
            int index = i;
            // The shared async model runs as the load engine runs it: no buffers held while a session waits.
            var client = new MqttClient(new MqttSessionOptions { ClientId = $"loops-{model}-{sessions}-{window}-{i}", InflightWindow = window })
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
                if (Next(index) && model == LoopModel.SharedAsync)
                {
                    _ = c.FlushAsync();
                }
            };
            clients[i] = client;
        }

        string status = "ok";
        var clock = new Stopwatch();
        (TimeSpan Total, TimeSpan Kernel) cpuStart = default, cpuEnd = default;
        long allocStart = 0, allocEnd = 0, switchesStart = 0, switchesEnd = 0;
        Dictionary<int, (string Name, long Ticks)> threadsStart = [], threadsEnd = [];
        int gcStart = 0, gcEnd = 0, threadCount = 0;
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

                switch (model)
                {
                    case LoopModel.ThreadPerClient:
                        client.LoopStart();
                        break;
                    case LoopModel.LoopForever:
                        var thread = new Thread(() => client.LoopForever()) { IsBackground = true, Name = "loop-forever" };
                        threads.Add(thread);
                        thread.Start();
                        break;
                    case LoopModel.SharedAsync:
                        runs.Add(client.RunAsync(stop.Token));
                        break;
                }
            }

            Action<Action?>? driver = model switch
            {
                LoopModel.CallerLoop => kickoff => CallerLoop(clients, stop.Token, kickoff),
                LoopModel.EventLoop => kickoff => EventLoop(clients, stop.Token, kickoff, TimeSpan.Zero),
                LoopModel.TickedEventLoop => kickoff => EventLoop(clients, stop.Token, kickoff, TimeSpan.FromMilliseconds(1)),
                _ => null,
            };

            // Single-thread models: their one thread drives every client, so it also publishes the first window.
            var kickoffRequested = new ManualResetEventSlim();
            var kickoffDone = new ManualResetEventSlim();
            if (driver is not null)
            {
                var thread = new Thread(() => driver(() =>
                {
                    if (kickoffRequested.IsSet && !kickoffDone.IsSet)
                    {
                        Kickoff(clients, window, Next);
                        kickoffDone.Set();
                    }
                })) { IsBackground = true, Name = $"loops-{model}" };
                threads.Add(thread);
                thread.Start();
            }

            if (!connected.Wait(options.Limit))
            {
                status = $"could not keep up: {sessions - connected.CurrentCount} of {sessions} sessions connected in {options.Limit.TotalSeconds:0} s";
                return Result();
            }

            afterConnect = MemoryReading.Take();
            cpuStart = Cpu();
            allocStart = GC.GetTotalAllocatedBytes(precise: false);
            gcStart = Collections();
            switchesStart = ContextSwitches();
            threadsStart = ThreadTicks();
            clock.Start();
            if (driver is not null)
            {
                kickoffRequested.Set();
                kickoffDone.Wait(options.Limit);
            }
            else
            {
                Kickoff(clients, window, Next);
                if (model == LoopModel.SharedAsync)
                {
                    foreach (MqttClient client in clients)
                    {
                        _ = client.FlushAsync();
                    }
                }
            }

            if (!done.Wait(options.Limit))
            {
                status = $"could not keep up: {Interlocked.Read(ref acknowledged)} of {planned} messages acknowledged in {options.Limit.TotalSeconds:0} s";
            }

            clock.Stop();
            threadCount = Process.GetCurrentProcess().Threads.Count;
            cpuEnd = Cpu();
            allocEnd = GC.GetTotalAllocatedBytes(precise: false);
            gcEnd = Collections();
            switchesEnd = ContextSwitches();
            threadsEnd = ThreadTicks();
        }
        catch (Exception ex) when (ex is InvalidOperationException or SocketException or OutOfMemoryException)
        {
            status = $"failed: {ex.Message}";
        }
        finally
        {
            stop.Cancel();
            foreach (MqttClient client in clients)
            {
                client.Disconnect();
            }

            foreach (MqttClient client in clients)
            {
                client.LoopStop();
            }

            foreach (Thread thread in threads)
            {
                thread.Join(TimeSpan.FromSeconds(10));
            }

            Task.WaitAll(runs.ToArray(), TimeSpan.FromSeconds(10));
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
                Status = status,
                Planned = planned,
                Acknowledged = acked,
                Seconds = seconds,
                MessagesPerSecond = seconds > 0 ? acked / seconds : 0,
                P50 = latency.TotalCount > 0 ? latency.GetValueAtPercentile(50) : 0,
                P99 = latency.TotalCount > 0 ? latency.GetValueAtPercentile(99) : 0,
                P999 = latency.TotalCount > 0 ? latency.GetValueAtPercentile(99.9) : 0,
                CpuMicrosecondsPerMessage = (cpuEnd.Total - cpuStart.Total).TotalMicroseconds * per,
                KernelMicrosecondsPerMessage = (cpuEnd.Kernel - cpuStart.Kernel).TotalMicroseconds * per,
                AllocatedBytesPerMessage = (allocEnd - allocStart) * per,
                CollectionsPerThousandMessages = (gcEnd - gcStart) * per * 1000,
                // Below 100 sessions the growth is lost in the noise of the heap and of pages the previous case gave back.
                ManagedBytesPerSession = sessions < 100 ? 0 : (double)(afterConnect.ManagedBytes - before.ManagedBytes) / sessions,
                ResidentBytesPerSession = sessions < 100 ? 0 : (double)(afterConnect.ResidentBytes - before.ResidentBytes) / sessions,
                Threads = threadCount,
                ThreadsAdded = threadCount == 0 ? 0 : threadCount - threadsBefore,
                ContextSwitchesPerMessage = (switchesEnd - switchesStart) * per,
                ThreadCpuMicrosecondsPerMessage = ThreadCpu(threadsStart, threadsEnd, per),
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

    // paho's loop(timeout) called by the application: round-robin with a zero timeout, so no client waits on another.
    private static void CallerLoop(MqttClient[] clients, CancellationToken stop, Action? idle)
    {
        while (!stop.IsCancellationRequested)
        {
            idle?.Invoke();
            foreach (MqttClient client in clients)
            {
                client.Loop(TimeSpan.Zero);
            }
        }
    }

    // An external event loop over every socket: select for reads (and for writes the client could not finish), then
    // loop_read / loop_write, and loop_misc every second for keep-alive. With a tick it sleeps first and then polls.
    private static void EventLoop(MqttClient[] clients, CancellationToken stop, Action? idle, TimeSpan tick)
    {
        var bySocket = new Dictionary<Socket, MqttClient>();
        var blocked = new HashSet<Socket>();
        foreach (MqttClient client in clients)
        {
            bySocket[client.Socket!] = client;
            client.OnSocketRegisterWrite = (_, _, socket) => blocked.Add(socket);
            client.OnSocketUnregisterWrite = (_, _, socket) => blocked.Remove(socket);
        }

        var readable = new List<Socket>(clients.Length);
        var writable = new List<Socket>();
        long misc = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            idle?.Invoke();
            foreach (MqttClient client in clients)
            {
                if (client.WantWrite)
                {
                    client.LoopWrite();
                }
            }

            readable.Clear();
            readable.AddRange(bySocket.Keys);
            writable.Clear();
            writable.AddRange(blocked);
            if (tick > TimeSpan.Zero)
            {
                Thread.Sleep(tick);
            }

            try
            {
                Socket.Select(readable, writable.Count > 0 ? writable : null, null, tick > TimeSpan.Zero ? 0 : 10_000);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            foreach (Socket socket in readable)
            {
                bySocket[socket].LoopRead();
            }

            foreach (Socket socket in writable)
            {
                bySocket[socket].LoopWrite();
            }

            if (Stopwatch.GetElapsedTime(misc) > TimeSpan.FromSeconds(1))
            {
                misc = Stopwatch.GetTimestamp();
                foreach (MqttClient client in clients)
                {
                    client.LoopMisc();
                }
            }
        }
    }

    // CPU time of each thread in nanoseconds (/proc/self/task/*/schedstat, first field: time spent running), keyed by
    // thread id, with the thread's name (comm). stat's 100 Hz ticks were too coarse for a thousand threads.
    private static Dictionary<int, (string Name, long Ticks)> ThreadTicks()
    {
        var ticks = new Dictionary<int, (string, long)>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return ticks;
        }

        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                string schedstat = File.ReadAllText(Path.Combine(task, "schedstat"));
                long running = long.Parse(schedstat.AsSpan(0, schedstat.IndexOf(' ')), System.Globalization.CultureInfo.InvariantCulture);
                ticks[int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture)] = (File.ReadAllText(Path.Combine(task, "comm")).Trim(), running);
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return ticks;
    }

    // Per kind of thread, the CPU it spent per message: where a model's cost goes (its own loop thread or threads,
    // the thread pool, the socket engine, the GC).
    private static Dictionary<string, double> ThreadCpu(Dictionary<int, (string Name, long Ticks)> start, Dictionary<int, (string Name, long Ticks)> end, double perMessage)
    {
        var byKind = new Dictionary<string, double>();
        foreach ((int id, (string name, long ticks)) in end)
        {
            long used = ticks - (start.TryGetValue(id, out var before) ? before.Ticks : 0);
            if (used <= 0)
            {
                continue;
            }

            string kind = name switch
            {
                _ when name.StartsWith("mqtt-loop", StringComparison.Ordinal) || name == "loop-forever" => "client loop threads",
                _ when name.StartsWith("loops-", StringComparison.Ordinal) => "the one loop thread",
                _ when name.StartsWith(".NET TP", StringComparison.Ordinal) => "thread pool",
                _ when name.StartsWith(".NET Sockets", StringComparison.Ordinal) => "socket engine",
                _ when name.StartsWith(".NET BGC", StringComparison.Ordinal) || name.StartsWith(".NET Server GC", StringComparison.Ordinal) => "garbage collector",
                _ => "other",
            };
            byKind[kind] = byKind.GetValueOrDefault(kind) + used / 1000.0 * perMessage;
        }

        return byKind;
    }

    private static (TimeSpan Total, TimeSpan Kernel) Cpu()
    {
        Environment.ProcessCpuUsage usage = Environment.CpuUsage;
        return (usage.TotalTime, usage.PrivilegedTime);
    }

    private static int Collections() => GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);

    // Voluntary plus involuntary context switches of the whole process, threads that have ended included
    // (getrusage(RUSAGE_SELF)); summing /proc/self/task/*/status would lose the threads that exit mid-case.
    private static long ContextSwitches() =>
        OperatingSystem.IsLinux() && GetResourceUsage(0, out ResourceUsage usage) == 0 ? usage.VoluntarySwitches + usage.InvoluntarySwitches : 0;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResident, SharedText, UnsharedData, UnsharedStack, MinorFaults, MajorFaults, Swaps, BlockIn, BlockOut, MessagesSent, MessagesReceived, Signals;
        public long VoluntarySwitches, InvoluntarySwitches;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetResourceUsage(int who, out ResourceUsage usage);
}
