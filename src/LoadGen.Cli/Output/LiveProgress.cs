using System.Globalization;
using LoadGen.Engine;
using Spectre.Console;

namespace LoadGen.Cli;

/// <summary>
/// Progress while a run goes: on a terminal a live Spectre.Console table, redrawn each interval; when the output is
/// redirected (CI logs, pipes) one plain line per interval, because a live table would be reprinted glued together.
/// </summary>
internal abstract class LiveProgress : IDisposable
{
    private static readonly string[] Qos = [.. LatencyMetrics.All.Where(m => m.IsHandshake || m.Metric == LatencyMetric.EndToEnd).Select(m => m.Name)];

    public static LiveProgress Create(int plannedSessions) =>
        Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? new Lines(plannedSessions) : new LiveTable(plannedSessions);

    /// <summary>Shows one interval; called from the run's sampler thread.</summary>
    public abstract void Show(TimelinePoint point);

    public virtual void Dispose()
    {
    }

    private static string Ms(double microseconds) => (microseconds / 1000).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Rate(long count, double seconds) => seconds > 0 ? (count / seconds).ToString("0", CultureInfo.InvariantCulture) : "0";

    private sealed class Lines(int planned) : LiveProgress
    {
        public override void Show(TimelinePoint p)
        {
            var line = new System.Text.StringBuilder();
            line.Append(CultureInfo.InvariantCulture, $"{p.Time,6:0.0}s {p.Phase.ToString().ToLowerInvariant(),-7} sessions {p.SessionsConnected}/{planned}  ");
            line.Append(CultureInfo.InvariantCulture, $"msg/s sent {Rate(p.Sent, p.Seconds)} acked {Rate(p.Acknowledged, p.Seconds)} received {Rate(p.Received, p.Seconds)}");
            foreach (string name in Qos)
            {
                if (p.Latency.TryGetValue(name, out IntervalLatency? l))
                {
                    line.Append(CultureInfo.InvariantCulture, $"  {name} p50/p99 {Ms(l.ResponseP50)}/{Ms(l.ResponseP99)} ms");
                }
            }

            line.Append(CultureInfo.InvariantCulture, $"  resends {p.Resends}  errors {p.Errors}");
            Console.WriteLine(line.ToString());
        }
    }

    private sealed class LiveTable : LiveProgress
    {
        private readonly int _planned;
        private readonly Table _table = new();
        private readonly TaskCompletionSource _done = new();
        private readonly Task _live;
        private LiveDisplayContext? _context;
        private long _resends;
        private long _errors;

        public LiveTable(int planned)
        {
            _planned = planned;
            // Narrow enough for an 80-column terminal: rates in one column, each latency as p50/p99 in ms.
            _table.Border(TableBorder.Simple);
            foreach (string name in new[] { "time", "sessions", "msg/s sent/ack/recv" }.Concat(Qos.Select(q => $"{q} ms")).Concat(["resends", "errors"]))
            {
                _table.AddColumn(new TableColumn(name).NoWrap());
            }
            _live = AnsiConsole.Live(_table).AutoClear(false).StartAsync(async context =>
            {
                _context = context;
                await _done.Task.ConfigureAwait(false);
            });
        }

        public override void Show(TimelinePoint p)
        {
            _resends += p.Resends;
            _errors += p.Errors;
            var cells = new List<string>
            {
                p.Time.ToString("0.0", CultureInfo.InvariantCulture) + "s" + (p.Phase == RunPhase.Measure ? "" : $" {p.Phase.ToString().ToLowerInvariant()}"),
                $"{p.SessionsConnected}/{_planned}",
                $"{Rate(p.Sent, p.Seconds)}/{Rate(p.Acknowledged, p.Seconds)}/{Rate(p.Received, p.Seconds)}",
            };
            foreach (string name in Qos)
            {
                cells.Add(p.Latency.TryGetValue(name, out IntervalLatency? l) ? $"{Ms(l.ResponseP50)}/{Ms(l.ResponseP99)}" : "-");
            }

            cells.Add(_resends.ToString(CultureInfo.InvariantCulture));
            cells.Add(_errors > 0 ? $"[red]{_errors}[/]" : "0");

            // The last dozen intervals stay on screen; older ones scroll away with the table's rows.
            lock (_table)
            {
                _table.AddRow(cells.ToArray());
                while (_table.Rows.Count > 12)
                {
                    _table.Rows.RemoveAt(0);
                }

                _context?.Refresh();
            }
        }

        public override void Dispose()
        {
            _done.TrySetResult();
            _live.GetAwaiter().GetResult();
        }
    }
}
