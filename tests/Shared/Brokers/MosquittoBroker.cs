using System.Diagnostics;
using System.Net.Sockets;

namespace LoadGen.Testing;

/// <summary>
/// A real mosquitto (Debian package <c>mosquitto</c>) on a free 127.0.0.1 port with its own config file, stopped by
/// PID. When the binary is missing the test fails with the install command: it never skips silently.
/// </summary>
internal sealed class MosquittoBroker : IBroker
{
    private Process _process;
    private readonly string _directory;
    private readonly string _configFile;
    private readonly List<int> _ports;

    private MosquittoBroker(Process process, string directory, string configFile, List<int> ports)
    {
        _process = process;
        _directory = directory;
        _configFile = configFile;
        _ports = ports;
        Port = ports[0];
    }

    public string Name => "mosquitto";

    public int Port { get; }

    public int Pid => _process.Id;

    public static string Binary =>
        new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "mosquitto is not installed; these tests need a real broker. Install it with: apt-get install -y mosquitto " +
            "(./test.sh does this when it runs as root).");

    /// <summary>Starts mosquitto. <paramref name="users"/> turns on a password file; <paramref name="acl"/> adds an ACL file.</summary>
    /// <param name="users">User names and passwords for a password file, or null for anonymous access.</param>
    /// <param name="acl">ACL file text, or null.</param>
    /// <param name="extra">More configuration lines (listeners for TLS or WebSocket); their listener ports are waited for too.</param>
    /// <param name="persistence">Keep sessions and queued messages on disk across a restart (saved when it stops gracefully).</param>
    public static async Task<MosquittoBroker> StartAsync(IReadOnlyDictionary<string, string>? users = null, string? acl = null, IReadOnlyList<string>? extra = null,
        bool persistence = false)
    {
        string binary = Binary;
        string directory = Directory.CreateTempSubdirectory("loadgen-mosquitto-").FullName;
        int port = FreePort.Next();
        var config = new List<string>
        {
            $"listener {port} 127.0.0.1",
            "set_tcp_nodelay true",
            // The default of 1000 silently drops QoS 1 messages to a slow subscriber (../shared/FACTS.md).
            "max_queued_messages 0",
            persistence ? "persistence true" : "persistence false",
            $"persistence_location {directory}/",
            // A file, not stderr: an unread stderr pipe fills up and would stall the broker mid-test.
            $"log_dest file {Path.Combine(directory, "mosquitto.log")}",
        };
        if (Environment.UserName == "root")
        {
            // As root, mosquitto would switch to the "mosquitto" user, which cannot read our private temp folder.
            config.Add("user root");
        }
        if (users is null)
        {
            config.Add("allow_anonymous true");
        }
        else
        {
            string passwords = Path.Combine(directory, "passwords");
            await File.WriteAllLinesAsync(passwords, users.Select(u => $"{u.Key}:{u.Value}"));
            await RunAsync("mosquitto_passwd", $"-U {passwords}");
            config.Add("allow_anonymous false");
            config.Add($"password_file {passwords}");
        }

        if (acl is not null)
        {
            string aclFile = Path.Combine(directory, "acl");
            await File.WriteAllTextAsync(aclFile, acl);
            config.Add($"acl_file {aclFile}");
        }

        config.AddRange(extra ?? []);
        List<int> ports = [port, .. (extra ?? []).Where(l => l.StartsWith("listener ", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture))];
        string configFile = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllLinesAsync(configFile, config);
        return new MosquittoBroker(await LaunchAsync(binary, directory, configFile, ports), directory, configFile, ports);
    }

    /// <summary>
    /// Stops mosquitto and starts it again on the same port with the same configuration, as an operator's restart
    /// does: <paramref name="graceful"/> sends SIGTERM (with persistence on, it saves its sessions first), otherwise
    /// SIGKILL. Its clients see their connections close.
    /// </summary>
    public async Task RestartAsync(bool graceful, TimeSpan down)
    {
        if (graceful)
        {
            using Process term = Process.Start(new ProcessStartInfo("kill", $"-TERM {_process.Id}") { UseShellExecute = false })!;
            await term.WaitForExitAsync();
        }
        else
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        await Task.Delay(down);
        _process = await LaunchAsync(Binary, _directory, _configFile, _ports);
    }

    // Starts mosquitto and waits until every listener accepts a connection; bounded, and loud if mosquitto exits instead.
    private static async Task<Process> LaunchAsync(string binary, string directory, string configFile, List<int> ports)
    {
        var process = Process.Start(new ProcessStartInfo(binary, $"-c {configFile}") { UseShellExecute = false })!;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                string logFile = Path.Combine(directory, "mosquitto.log");
                string log = File.Exists(logFile) ? await File.ReadAllTextAsync(logFile) : "(no log)";
                throw new InvalidOperationException($"mosquitto exited with code {process.ExitCode}: {log}");
            }

            try
            {
                foreach (int listening in ports)
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync("127.0.0.1", listening);
                }

                return process;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }

    private static async Task RunAsync(string file, string arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed: {await process.StandardError.ReadToEndAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public override string ToString() => Name;
}
