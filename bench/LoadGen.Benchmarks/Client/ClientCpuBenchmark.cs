using System.Diagnostics;
using System.Globalization;
using System.Text;
using LoadGen.Client;
using LoadGen.Testing;

namespace LoadGen.Benchmarks.Client;

/// <summary>
/// What one client message costs the client's own CPU. It starts a real mosquitto, runs 10 sessions in the shared
/// asynchronous model, keeps a fixed window of QoS 1 or QoS 2 publishes (100 B) in flight per session, and divides
/// this process's user+system CPU time over the measured interval by the messages completed in it. Mosquitto runs
/// in its own process, so its CPU is not counted. Timed work here is the benchmark itself, not a test.
/// </summary>
internal static class ClientCpuBenchmark
{
    private sealed record Result(int QoS, int Window, long Messages, double Seconds, double CpuSeconds, double KernelSeconds)
    {
        /// <summary>Handshake time (publish to PUBACK or PUBCOMP handled), median and 99th percentile, in microseconds.</summary>
        public double P50 { get; init; }

        public double P99 { get; init; }

        /// <summary>The select loop's tick in microseconds (0: it waits in select for the next readable socket).</summary>
        public int TickMicroseconds { get; init; }

        public double KernelMicrosecondsPerMessage => KernelSeconds * 1e6 / Messages;

        public double MessagesPerSecond => Messages / Seconds;

        public double CpuMicrosecondsPerMessage => CpuSeconds * 1e6 / Messages;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        int sessions = 10;
        TimeSpan duration = TimeSpan.FromSeconds(ArgValue(args, "--seconds", 5));
        string? output = args.SkipWhile(a => a != "--artifacts").Skip(1).FirstOrDefault();
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        Console.WriteLine($"mosquitto pid {broker.Pid} on 127.0.0.1:{broker.Port}; {sessions} sessions, 100 B payload, {duration.TotalSeconds} s per case");

        var results = new List<Result>();
        foreach (int qos in new[] { 1, 2 })
        {
            foreach (int window in new[] { 1, 16 })
            {
                Result result = args.Contains("--select")
                    ? MeasureSelectLoop(broker.Port, sessions, qos, window, duration, TimeSpan.FromMicroseconds(ArgValue(args, "--tick-us", 0)))
                    : await MeasureAsync(broker.Port, sessions, qos, window, duration);
                results.Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"QoS {qos} window {window,2}: {result.MessagesPerSecond,9:F0} msg/s, {result.CpuMicrosecondsPerMessage,6:F2} µs CPU per message ({result.KernelMicrosecondsPerMessage:F2} µs of it in the kernel), handshake p50 {result.P50:F0} µs, p99 {result.P99:F0} µs"));
            }
        }

        string markdown = Markdown(results, sessions, duration);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (output is not null)
        {
            Directory.CreateDirectory(output);
            await File.WriteAllTextAsync(Path.Combine(output, "client-cpu.md"), markdown);
            await File.WriteAllTextAsync(Path.Combine(output, "client-cpu.json"), System.Text.Json.JsonSerializer.Serialize(
                results.Select(r => new { r.QoS, r.Window, r.Messages, r.Seconds, r.CpuSeconds, r.KernelSeconds, r.MessagesPerSecond, r.CpuMicrosecondsPerMessage, r.KernelMicrosecondsPerMessage }),
                new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    private static async Task<Result> MeasureAsync(int port, int sessions, int qos, int window, TimeSpan duration)
    {
        byte[] topic = "bench/cpu"u8.ToArray();
        byte[] payload = new byte[100];
        long completed = 0;
        var latency = new HdrHistogram.LongConcurrentHistogram(1, 60_000_000, 3);
        using var stop = new CancellationTokenSource();
        var clients = new List<MqttClient>();
        var runs = new List<Task<MqttErrorCode>>();
        var connected = new CountdownEvent(sessions);
        for (int i = 0; i < sessions; i++)
        {
            var client = new MqttClient(new MqttSessionOptions { ClientId = $"cpu-{qos}-{window}-{i}", InflightWindow = window });
            client.OnConnect = (_, _, _, _) => connected.Signal();
            // Closed loop: every completion publishes the next message, so each session keeps `window` in flight.
            client.OnPublish = (c, _, _) =>
            {
                Interlocked.Increment(ref completed);
                if (!stop.IsCancellationRequested)
                {
                    c.Publish(topic, payload, qos);
                }
            };
            client.OnPublishCompleted = (_, c) => Record(latency, c);
            client.OnLog = (_, _, level, text) => { if (level >= MqttLogLevel.Warning) Console.WriteLine($"  {level}: {text}"); };
            MqttErrorCode rc = client.Connect("127.0.0.1", port);
            if (rc != MqttErrorCode.Success)
            {
                throw new InvalidOperationException($"connect failed: {rc}");
            }

            runs.Add(client.RunAsync(stop.Token));
            clients.Add(client);
        }

        if (!connected.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("sessions did not connect");
        }

        foreach (MqttClient client in clients)
        {
            for (int w = 0; w < window; w++)
            {
                client.Publish(topic, payload, qos);
            }

            await client.FlushAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(1)); // warm-up: tiered JIT, socket buffers
        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpuStart = process.TotalProcessorTime;
        TimeSpan kernelStart = process.PrivilegedProcessorTime;
        long start = Interlocked.Read(ref completed);
        latency.Reset();
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration);
        process.Refresh();
        TimeSpan cpuEnd = process.TotalProcessorTime;
        TimeSpan kernelEnd = process.PrivilegedProcessorTime;
        long end = Interlocked.Read(ref completed);
        double seconds = clock.Elapsed.TotalSeconds;

        stop.Cancel();
        await Task.WhenAll(runs);
        foreach (MqttClient client in clients)
        {
            client.Disconnect();
            client.Dispose();
        }

        return new Result(qos, window, end - start, seconds, (cpuEnd - cpuStart).TotalSeconds, (kernelEnd - kernelStart).TotalSeconds)
        {
            P50 = latency.GetValueAtPercentile(50), P99 = latency.GetValueAtPercentile(99),
        };
    }

    private static void TickSleep(TimeSpan tick)
    {
        long ns = (long)(tick.TotalMicroseconds * 1000);
        var request = new TimeSpec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
        _ = NanoSleep(ref request, IntPtr.Zero);
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "nanosleep")]
    private static extern int NanoSleep(ref TimeSpec request, IntPtr remaining);

    // One thread drives every session through select(): paho's external-event-loop shape, no thread pool involved.
    private static Result MeasureSelectLoop(int port, int sessions, int qos, int window, TimeSpan duration, TimeSpan tick)
    {
        byte[] topic = "bench/cpu"u8.ToArray();
        byte[] payload = new byte[100];
        long completed = 0;
        bool stopping = false;
        var latency = new HdrHistogram.LongHistogram(1, 60_000_000, 3);
        var clients = new List<MqttClient>();
        for (int i = 0; i < sessions; i++)
        {
            var client = new MqttClient(new MqttSessionOptions { ClientId = $"sel-{qos}-{window}-{i}", InflightWindow = window });
            client.OnPublish = (c, _, _) =>
            {
                completed++;
                if (!stopping)
                {
                    c.Publish(topic, payload, qos);
                }
            };
            client.OnPublishCompleted = (_, c) => Record(latency, c);
            client.Connect("127.0.0.1", port);
            clients.Add(client);
        }

        var readable = new List<System.Net.Sockets.Socket>(sessions);
        long reads = 0;
        long passes = 0;
        void Pass()
        {
            passes++;
            readable.Clear();
            foreach (MqttClient c in clients)
            {
                readable.Add(c.Socket!);
            }

            if (tick > TimeSpan.Zero)
            {
                TickSleep(tick);
            }

            System.Net.Sockets.Socket.Select(readable, null, null, tick > TimeSpan.Zero ? 0 : 1000);
            foreach (MqttClient c in clients)
            {
                if (readable.Contains(c.Socket!))
                {
                    reads++;
                    c.LoopRead();
                }

                if (c.WantWrite)
                {
                    c.LoopWrite();
                }
            }
        }

        var warm = Stopwatch.StartNew();
        while (clients.Any(c => !c.IsConnected))
        {
            Pass();
        }

        foreach (MqttClient client in clients)
        {
            for (int w = 0; w < window; w++)
            {
                client.Publish(topic, payload, qos);
            }
        }

        while (warm.Elapsed < TimeSpan.FromSeconds(1))
        {
            Pass();
        }

        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpuStart = process.TotalProcessorTime;
        TimeSpan kernelStart = process.PrivilegedProcessorTime;
        long start = completed;
        latency.Reset();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            Pass();
        }

        process.Refresh();
        TimeSpan cpuEnd = process.TotalProcessorTime;
        TimeSpan kernelEnd = process.PrivilegedProcessorTime;
        long end = completed;
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  select loop: {reads / (double)Math.Max(1, end):F2} socket reads per message");
        stopping = true;
        foreach (MqttClient client in clients)
        {
            client.Disconnect();
            client.Dispose();
        }

        return new Result(qos, window, end - start, seconds, (cpuEnd - cpuStart).TotalSeconds, (kernelEnd - kernelStart).TotalSeconds)
        {
            P50 = latency.GetValueAtPercentile(50), P99 = latency.GetValueAtPercentile(99), TickMicroseconds = (int)tick.TotalMicroseconds,
        };
    }

    // From the publish call to the acknowledgement handled: what a caller waits, the client's batching included.
    private static void Record(HdrHistogram.HistogramBase histogram, PublishCompletion c)
    {
        if (c.Succeeded)
        {
            histogram.RecordValue(Math.Max(1, (c.CompletedTicks - c.FirstSentTicks) * 1_000_000 / Stopwatch.Frequency));
        }
    }

    private static string Markdown(List<Result> results, int sessions, TimeSpan duration)
    {
        var sb = new StringBuilder();
        int tick = results.Count > 0 ? results[0].TickMicroseconds : 0;
        string mode = Environment.GetCommandLineArgs().Contains("--select")
            ? tick > 0 ? $"one thread polling every session once per {tick} µs tick (sleep, then select with no wait)" : "one thread on select()"
            : Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1"
                ? "shared async loop model, inline socket completions"
                : "shared async loop model";
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Client CPU per message against mosquitto on loopback: {sessions} sessions, 100 B payload, {duration.TotalSeconds} s per case, {mode}.");
        sb.AppendLine();
        sb.AppendLine("| QoS | in flight per session | msg/s | client CPU µs per message | of which kernel µs | handshake p50 µs | p99 µs |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (Result r in results)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.QoS} | {r.Window} | {r.MessagesPerSecond:F0} | {r.CpuMicrosecondsPerMessage:F2} | {r.KernelMicrosecondsPerMessage:F2} | {r.P50:F0} | {r.P99:F0} |");
        }

        return sb.ToString();
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
