using System.Globalization;

namespace LoadGen.Engine;

/// <summary>
/// A broker URL, parsed once by one rule for the profile's <c>broker</c>, <c>--set broker=</c>, <c>--broker</c> and
/// every command: <c>mqtt://host[:port]</c> (TCP, 1883), <c>mqtts://host[:port]</c> (TLS, 8883),
/// <c>ws://host[:port]/path</c> (WebSocket, 80) and <c>wss://host[:port]/path</c> (WebSocket over TLS, 443). The
/// transport follows from the scheme (<see cref="IsTls"/>, <see cref="IsWebSocket"/>).
/// </summary>
/// <param name="Scheme"><c>mqtt</c>, <c>mqtts</c>, <c>ws</c> or <c>wss</c>.</param>
/// <param name="Host">The host name or address.</param>
/// <param name="Port">The port, the scheme's default when the URL gives none.</param>
/// <param name="Path">The path and query (WebSocket), or empty.</param>
public sealed record BrokerAddress(string Scheme, string Host, int Port, string Path)
{
    /// <summary>What a broker URL may be, for error messages.</summary>
    public const string Allowed = "mqtt://host:port, mqtts://host:port (TLS), ws://host:port/path or wss://host:port/path (WebSocket)";

    /// <summary>True for the schemes that run over TLS.</summary>
    public bool IsTls => Scheme is "mqtts" or "wss";

    /// <summary>True for the WebSocket schemes.</summary>
    public bool IsWebSocket => Scheme is "ws" or "wss";

    /// <summary>Reads one broker URL; on failure says what is wrong.</summary>
    public static bool TryParse(string? text, out BrokerAddress? address, out string? problem)
    {
        address = null;
        problem = null;
        if (!Uri.TryCreate(text?.Trim(), UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            problem = $"\"{text}\" is not a broker URL; allowed: {Allowed}";
            return false;
        }

        int defaultPort = uri.Scheme switch { "mqtt" => 1883, "mqtts" => 8883, "ws" => 80, "wss" => 443, _ => -1 };
        if (defaultPort < 0)
        {
            problem = $"\"{text}\": the scheme {uri.Scheme} is not one LoadGen speaks; allowed: {Allowed}";
            return false;
        }

        if (!uri.IsDefaultPort && uri.Port == 0)
        {
            problem = $"\"{text}\": port 0 is no port a broker listens on; allowed: 1 to 65535, or none for the scheme's default";
            return false;
        }

        int port = uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port;
        string path = uri.Scheme is "ws" or "wss" ? uri.PathAndQuery : "";
        address = new BrokerAddress(uri.Scheme, uri.Host, port, path);
        return true;
    }

    /// <summary>
    /// Reads a comma-separated list of broker URLs (session i connects to broker i % count).
    /// </summary>
    /// <exception cref="FormatException">An entry is not a broker URL; the message says which and what is allowed.</exception>
    public static IReadOnlyList<BrokerAddress> ParseList(string text)
    {
        var list = new List<BrokerAddress>();
        foreach (string entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParse(entry, out BrokerAddress? address, out string? problem))
            {
                throw new FormatException(problem);
            }

            list.Add(address!);
        }

        return list.Count > 0 ? list : throw new FormatException($"\"{text}\" names no broker; allowed: {Allowed}");
    }

    /// <summary>True when <paramref name="text"/> is <c>embedded</c> or a list of broker URLs; otherwise says why not.</summary>
    public static bool IsValidBroker(string? text, out string? problem)
    {
        problem = null;
        if (text is "embedded")
        {
            return true;
        }

        try
        {
            _ = ParseList(text ?? "");
            return true;
        }
        catch (FormatException ex)
        {
            problem = $"{ex.Message}, or 'embedded'";
            return false;
        }
    }

    /// <summary>The URL, port always written.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{Host}:{Port}{Path}");

    /// <summary>The URL as a <see cref="Uri"/>, for the transports.</summary>
    public Uri ToUri() => new(ToString());
}
