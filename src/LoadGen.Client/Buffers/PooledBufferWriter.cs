using System.Buffers;

namespace LoadGen.Client;

/// <summary>
/// A growable byte buffer on an array from <see cref="ArrayPool{T}"/>: the session writes packets into it, the loop
/// sends from its front. Consumed bytes are dropped by sliding the rest down, which stays cheap because a healthy
/// connection drains its output on every loop pass. Returned to the pool on <see cref="Dispose"/>.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private readonly int _initialCapacity;
    private byte[] _buffer = [];
    private int _start;
    private int _end;

    /// <summary>
    /// Creates a buffer that rents at least <paramref name="initialCapacity"/> bytes when first written to, so an
    /// idle connection holds no array.
    /// </summary>
    public PooledBufferWriter(int initialCapacity = 4096) => _initialCapacity = initialCapacity;

    /// <summary>Bytes of array held, written or not (0 when the buffer holds none).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Bytes written and not yet consumed.</summary>
    public int Count => _end - _start;

    /// <summary>The unconsumed bytes.</summary>
    public ReadOnlyMemory<byte> Pending => _buffer.AsMemory(_start, _end - _start);

    /// <summary>The unconsumed bytes as a span.</summary>
    public ReadOnlySpan<byte> PendingSpan => _buffer.AsSpan(_start, _end - _start);

    /// <inheritdoc/>
    public void Advance(int count) => _end += count;

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_end);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_end);
    }

    /// <summary>Drops <paramref name="count"/> bytes from the front.</summary>
    public void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Drops everything.</summary>
    public void Clear() => _start = _end = 0;

    /// <summary>Gives the array back to the pool when nothing is pending; the next write rents one again.</summary>
    public void ReleaseIfEmpty()
    {
        if (_start == _end && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _start = _end = 0;
        }
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _end >= needed)
        {
            return;
        }

        if (_buffer.Length == 0)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_initialCapacity, needed));
            _start = _end = 0;
            return;
        }

        // Slide unconsumed bytes to the front first; grow only if that is not enough.
        int count = _end - _start;
        if (_start > 0 && _buffer.Length - count >= needed)
        {
            _buffer.AsSpan(_start, count).CopyTo(_buffer);
        }
        else
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, count + needed));
            _buffer.AsSpan(_start, count).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        _start = 0;
        _end = count;
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
        _start = _end = 0;
    }
}
