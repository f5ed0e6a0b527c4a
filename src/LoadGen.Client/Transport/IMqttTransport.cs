using System.Net.Sockets;

namespace LoadGen.Client;

/// <summary>
/// The byte stream under a client: plain TCP, TLS (<c>mqtts://</c>) or WebSocket (<c>ws://</c>, <c>wss://</c>).
/// It offers both shapes the loop models need: non-blocking calls around a pollable <see cref="Socket"/> for paho's
/// select-style loops, and awaitable calls for the shared asynchronous model.
/// </summary>
public interface IMqttTransport : IDisposable
{
    /// <summary>The socket an external event loop registers for readiness (under TLS or WebSocket, the TCP socket beneath).</summary>
    Socket Socket { get; }

    /// <summary>
    /// True when <see cref="Receive"/> and <see cref="Send"/> work without blocking (plain TCP). TLS and WebSocket
    /// transports only offer the awaitable calls, so they serve the shared asynchronous model, not paho's loops.
    /// </summary>
    bool SupportsNonBlocking => true;

    /// <summary>Reads what is available without blocking. Returns 0 when nothing is, -1 when the peer closed.</summary>
    int Receive(Span<byte> destination);

    /// <summary>Writes what fits without blocking and returns the count (possibly 0).</summary>
    int Send(ReadOnlySpan<byte> source);

    /// <summary>Waits for data; returns the count, 0 when the peer closed.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Writes everything.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken);
}
