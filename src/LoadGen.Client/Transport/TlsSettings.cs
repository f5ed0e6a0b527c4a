using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LoadGen.Client;

/// <summary>
/// How a client checks the broker and proves itself under TLS (<c>mqtts://</c>, <c>wss://</c>). The broker's
/// certificate is verified by default: against the system's trust store, or against <see cref="CaFile"/>.
/// </summary>
public sealed record TlsSettings
{
    /// <summary>PEM file of the CA certificate(s) to trust instead of the system's store (mosquitto's <c>cafile</c>).</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM file of a client certificate, for brokers that require one.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>PEM file of the client certificate's private key (defaults to <see cref="CertificateFile"/>).</summary>
    public string? KeyFile { get; init; }

    /// <summary>Accepts any broker certificate. Explicit and loud: the connection is then open to interception.</summary>
    public bool Insecure { get; init; }

    /// <summary>
    /// Loads the files once and returns what every connection uses. Throws when a file cannot be read, so a bad path
    /// fails the run at its start rather than at each connect.
    /// </summary>
    public TlsClientContext Load() => new(this);
}

/// <summary>The loaded form of <see cref="TlsSettings"/>, shared by every connection of a run.</summary>
public sealed class TlsClientContext
{
    private readonly X509Certificate2Collection _clientCertificates = new();
    private readonly X509ChainPolicy? _chainPolicy;
    private readonly bool _insecure;

    internal TlsClientContext(TlsSettings settings)
    {
        _insecure = settings.Insecure;
        if (settings.CaFile is { } ca)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(ca);
            _chainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            _chainPolicy.CustomTrustStore.AddRange(roots);
        }

        if (settings.CertificateFile is { } certificate)
        {
            _clientCertificates.Add(X509Certificate2.CreateFromPemFile(certificate, settings.KeyFile));
        }
    }

    /// <summary>The handshake options for a broker known as <paramref name="host"/> (the name its certificate must carry).</summary>
    public SslClientAuthenticationOptions OptionsFor(string host)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ClientCertificates = _clientCertificates,
            CertificateChainPolicy = _chainPolicy?.Clone(),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (_insecure)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }

        return options;
    }
}
