using System.Diagnostics;
using System.Net.Sockets;

namespace LoadGen.Testing;

/// <summary>
/// A real mosquitto (Debian package <c>mosquitto</c>) on a free 127.0.0.1 port with its own config file, stopped by
/// PID. When the binary is missing the test fails with the install command: it never skips silently.
/// </summary>
internal sealed class MosquittoBroker : IBroker
{
    private readonly Process _process;
    private readonly string _directory;

    private MosquittoBroker(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
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
    public static async Task<MosquittoBroker> StartAsync(IReadOnlyDictionary<string, string>? users = null, string? acl = null, IReadOnlyList<string>? extra = null)
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
            "persistence false",
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
        var process = Process.Start(new ProcessStartInfo(binary, $"-c {configFile}") { UseShellExecute = false })!;

        // Ready when the port accepts a connection; bounded, and it fails loudly if mosquitto exits instead.
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

                return new MosquittoBroker(process, directory, port);
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
