using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LoadGen.Client;

namespace LoadGen.Engine.Tests.Running;

/// <summary>
/// TLS (<c>mqtts://</c>) and WebSocket (<c>ws://</c>, <c>wss://</c>) against one mosquitto with four extra listeners:
/// TLS, TLS requiring a client certificate, WebSocket and WebSocket over TLS. The CA and the certificates are made
/// here with .NET's certificate APIs.
/// </summary>
public sealed class TransportTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadgen-tls-").FullName;
    private readonly int _tls = FreePort.Next(), _mutualTls = FreePort.Next(), _ws = FreePort.Next(), _wss = FreePort.Next();
    private MosquittoBroker? _broker;

    private string Ca => Path.Combine(_dir, "ca.pem");

    private string ClientCert => Path.Combine(_dir, "client.pem");

    private string ClientKey => Path.Combine(_dir, "client.key");

    public async Task InitializeAsync()
    {
        Certificates.Write(_dir);
        string[] tlsFiles = [$"cafile {Ca}", $"certfile {Path.Combine(_dir, "server.pem")}", $"keyfile {Path.Combine(_dir, "server.key")}"];
        _broker = await MosquittoBroker.StartAsync(extra:
        [
            $"listener {_tls} 127.0.0.1", .. tlsFiles,
            $"listener {_mutualTls} 127.0.0.1", .. tlsFiles, "require_certificate true",
            $"listener {_ws} 127.0.0.1", "protocol websockets",
            $"listener {_wss} 127.0.0.1", "protocol websockets", .. tlsFiles,
        ]);
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task MqttsVerifiesTheBrokerAgainstTheCaAndTimesTheHandshake()
    {
        RunResult result = await RunAsync($"mqtts://localhost:{_tls}", new TlsSettings { CaFile = Ca });

        AssertDelivered(result);
        Assert.Equal(6, result.Response["tls"].Count);
        Assert.True(result.Response["tls"].P50 > 0);
        Assert.True(result.Response["connect"].P50 >= result.Response["tls"].P50 / 2, "the connect time includes the handshake");
    }

    [Fact]
    public async Task WithoutTheCaTheBrokersCertificateIsRefused()
    {
        // Verification is on by default: the system's store does not know this test's CA.
        RunResult result = await RunAsync($"mqtts://localhost:{_tls}", tls: null);

        Assert.Equal(0, result.Counters["sessions_connected"]);
        Assert.Equal(6, result.Counters["connect_failures"]);
        string reason = string.Join("; ", result.Errors.Keys);
        Assert.Contains("TLS", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InsecureSkipsVerification()
    {
        AssertDelivered(await RunAsync($"mqtts://localhost:{_tls}", new TlsSettings { Insecure = true }));
    }

    [Fact]
    public async Task ABrokerRequiringAClientCertificateLetsInOnlyTheSessionsThatHaveOne()
    {
        RunResult without = await RunAsync($"mqtts://localhost:{_mutualTls}", new TlsSettings { CaFile = Ca });
        Assert.Equal(0, without.Counters["sessions_connected"]);
        Assert.NotEmpty(without.Errors);

        RunResult with = await RunAsync($"mqtts://localhost:{_mutualTls}", new TlsSettings { CaFile = Ca, CertificateFile = ClientCert, KeyFile = ClientKey });
        AssertDelivered(with);
    }

    [Fact]
    public async Task WebSocketCarriesTheSameLoad()
    {
        RunResult result = await RunAsync($"ws://127.0.0.1:{_ws}/mqtt", tls: null);

        AssertDelivered(result);
        Assert.False(result.Response.ContainsKey("tls"));
    }

    [Fact]
    public async Task WebSocketOverTlsVerifiesAndTimesTheHandshake()
    {
        RunResult result = await RunAsync($"wss://localhost:{_wss}/mqtt", new TlsSettings { CaFile = Ca });

        AssertDelivered(result);
        Assert.Equal(6, result.Response["tls"].Count);
    }

    private static void AssertDelivered(RunResult result)
    {
        Assert.False(result.Partial, $"{result.PartialReason}: {string.Join("; ", result.Errors.Select(e => $"{e.Key}: {e.Value}"))}");
        Assert.True(result.Errors.Count == 0, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {e.Value}")));
        Assert.Equal(6, result.Counters["sessions_connected"]);
        Assert.Equal(100, result.Counters["acknowledged"]);
        // The subscriber, on the same transport, gets every message: QoS 1 and 2 both crossed it intact.
        Assert.Equal(100, result.Counters["received"]);
    }

    private static Task<RunResult> RunAsync(string broker, TlsSettings? tls)
    {
        LoadProfile profile = ProfileLoader.Parse("""
            name: transport
            duration: 5s
            groups:
              - { name: watcher, role: subscriber, sessions: 1, subscriptions: [ { filter: "t/#", qos: 2 } ] }
              - name: pubs
                role: publisher
                sessions: 5
                topic: "t/%i"
                qos: { 1: 1, 2: 1 }
                payload: 200
                stages: [ { inject: { rate: 100/s, during: 1s } } ]
            """, "transport.yaml");
        return LoadRunner.RunAsync(profile, new RunOptions { Broker = broker, Tls = tls }, CancellationToken.None);
    }

    // A CA, a server certificate for localhost and 127.0.0.1, and a client certificate, all signed by the CA.
    private static class Certificates
    {
        public static void Write(string dir)
        {
            DateTimeOffset from = DateTimeOffset.UtcNow.AddDays(-1), to = DateTimeOffset.UtcNow.AddDays(2);
            using RSA caKey = RSA.Create(2048);
            var caRequest = new CertificateRequest("CN=LoadGen Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
            using X509Certificate2 ca = caRequest.CreateSelfSigned(from, to);
            File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());

            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            Issue(dir, "server", ca, caKey, "CN=localhost", "1.3.6.1.5.5.7.3.1", names.Build(), 1, from, to);
            Issue(dir, "client", ca, caKey, "CN=loadgen-client", "1.3.6.1.5.5.7.3.2", null, 2, from, to);
        }

        private static void Issue(string dir, string name, X509Certificate2 ca, RSA caKey, string subject, string usage, X509Extension? names, byte serial,
            DateTimeOffset from, DateTimeOffset to)
        {
            using RSA key = RSA.Create(2048);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
            if (names is not null)
            {
                request.CertificateExtensions.Add(names);
            }

            using X509Certificate2 certificate = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), from, to, [serial]);
            File.WriteAllText(Path.Combine(dir, $"{name}.pem"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, $"{name}.key"), key.ExportPkcs8PrivateKeyPem());
        }
    }
}
