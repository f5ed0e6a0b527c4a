using System.Buffers;
using System.Text;

namespace LoadGen.Protocol.Tests;

/// <summary>Turns hex wire samples into bytes and text into the byte sequences packets are built from.</summary>
internal static class Wire
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    public static ReadOnlySequence<byte> Text(string text) => new(Encoding.UTF8.GetBytes(text));

    public static ReadOnlySequence<byte> Bytes(string hex) => new(Hex(hex));

    public static string Utf8(in ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Encodes with <paramref name="write"/> into a fresh writer and returns the bytes.</summary>
    public static byte[] Encode(Func<IBufferWriter<byte>, int> write)
    {
        var output = new ArrayBufferWriter<byte>();
        int written = write(output);
        Assert.Equal(output.WrittenCount, written);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Scans exactly one frame that must fill the whole buffer.</summary>
    public static MqttFrame SingleFrame(ReadOnlySequence<byte> buffer)
    {
        Assert.Equal(System.Buffers.OperationStatus.Done, MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame));
        Assert.True(buffer.IsEmpty, "the buffer holds more than one frame");
        return frame;
    }

    public static MqttFrame SingleFrame(byte[] bytes) => SingleFrame(new ReadOnlySequence<byte>(bytes));
}
