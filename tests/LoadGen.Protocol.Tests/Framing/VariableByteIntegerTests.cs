using System.Buffers;

namespace LoadGen.Protocol.Tests.Framing;

public class VariableByteIntegerTests
{
    [Theory]
    [InlineData(0, "00")]
    [InlineData(127, "7F")]
    [InlineData(128, "8001")]
    [InlineData(16_383, "FF7F")]
    [InlineData(16_384, "808001")]
    [InlineData(2_097_151, "FFFF7F")]
    [InlineData(2_097_152, "80808001")]
    [InlineData(268_435_455, "FFFFFF7F")]
    public void BoundaryValuesEncodeAsTheSpecificationTableShows(int value, string hex)
    {
        // MQTT 5.0 §1.5.5 table 1-1.
        var buffer = new byte[4];
        int written = VariableByteInteger.Write(buffer, value);
        Assert.Equal(hex, Wire.Hex(buffer.AsSpan(0, written)));
        Assert.Equal(written, VariableByteInteger.GetByteCount(value));
        Assert.Equal(OperationStatus.Done, VariableByteInteger.TryRead(buffer.AsSpan(0, written), out int read, out int consumed));
        Assert.Equal(value, read);
        Assert.Equal(written, consumed);
    }

    [Theory]
    [InlineData("80")]
    [InlineData("FFFF")]
    [InlineData("FFFFFF")]
    [InlineData("")]
    public void ReadReturnsNeedMoreDataWhenTheContinuationBitPointsPastTheEnd(string hex) =>
        Assert.Equal(OperationStatus.NeedMoreData, VariableByteInteger.TryRead(Wire.Hex(hex), out _, out int consumed) is var s && consumed == 0 ? s : OperationStatus.InvalidData);

    [Fact]
    public void NegativeValuesCannotBeEncoded() =>
        Assert.Throws<MqttProtocolException>(() => VariableByteInteger.Write(new byte[4], -1));
}
