using System.Buffers;

namespace LoadGen.Protocol.Tests;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that hands out spans no larger than the hint (at least a minimum), like a pipe
/// near the end of a segment, so the encoder's multi-piece payload path is exercised.
/// </summary>
internal sealed class ChunkedBufferWriter : IBufferWriter<byte>
{
    private readonly int _chunk;
    private readonly List<byte> _written = new();
    private byte[] _current = [];

    public ChunkedBufferWriter(int chunk) => _chunk = chunk;

    public byte[] WrittenBytes => _written.ToArray();

    public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count).ToArray());

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        _current = new byte[Math.Max(sizeHint, _chunk)];
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
