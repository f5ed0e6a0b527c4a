using System.Buffers;

namespace LoadGen.Protocol.Tests.Reading;

public class WireSampleTests
{
    [Theory]
    [MemberData(nameof(WireSamples.Data), MemberType = typeof(WireSamples))]
    public void EverySampleDecodesToTheSamePacketInEveryBufferLayout(WireSamples.Sample sample)
    {
        byte[] bytes = Wire.Hex(sample.Hex);
        foreach ((string layout, ReadOnlySequence<byte> sequence) in SequenceLayouts.All(bytes))
        {
            ReadOnlySequence<byte> buffer = sequence;
            Assert.Equal(OperationStatus.Done, MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame));
            Assert.True(buffer.IsEmpty, layout);
            Assert.Equal(bytes.Length, frame.Length);
            string actual = PacketText.Describe(frame, sample.Version);
            Assert.True(sample.Expected == actual, $"{layout}: expected {sample.Expected} but got {actual}");
        }
    }

    [Theory]
    [MemberData(nameof(WireSamples.Data), MemberType = typeof(WireSamples))]
    public void EveryTruncatedPrefixOfASampleNeedsMoreDataAndConsumesNothing(WireSamples.Sample sample)
    {
        byte[] bytes = Wire.Hex(sample.Hex);
        for (int length = 0; length < bytes.Length; length++)
        {
            foreach ((string layout, ReadOnlySequence<byte> prefix) in length == 0
                         ? [("empty", ReadOnlySequence<byte>.Empty)]
                         : SequenceLayouts.All(bytes[..length]))
            {
                ReadOnlySequence<byte> buffer = prefix;
                Assert.Equal(OperationStatus.NeedMoreData, MqttFrameScanner.TryRead(ref buffer, out _));
                Assert.True(buffer.Start.Equals(prefix.Start) && buffer.Length == prefix.Length,
                    $"prefix of {length} bytes ({layout}) was consumed");
            }
        }
    }

    [Theory]
    [MemberData(nameof(WireSamples.Data), MemberType = typeof(WireSamples))]
    public void EverySampleReencodesToTheSameBytesAfterDecoding(WireSamples.Sample sample)
    {
        byte[] bytes = Wire.Hex(sample.Hex);
        byte[] reencoded = Reencode.Frame(Wire.SingleFrame(bytes), sample.Version);
        // Two samples use a longer-than-needed form the encoder never produces; their canonical form must still
        // decode to the same packet.
        Assert.Equal(sample.Expected, PacketText.Describe(reencoded, sample.Version));
        if (sample.Name is not ("v5 PUBCOMP empty properties"))
        {
            Assert.Equal(sample.Hex.Replace(" ", ""), Wire.Hex(reencoded));
        }
    }

    [Theory]
    [MemberData(nameof(WireSamples.Data), MemberType = typeof(WireSamples))]
    public void EverySampleDecodesWhenTheFirstSegmentIsEmpty(WireSamples.Sample sample)
    {
        // A pipe can hand out a sequence whose first segment holds no bytes.
        byte[] bytes = Wire.Hex(sample.Hex);
        ReadOnlySequence<byte> buffer = SequenceLayouts.Chain([], bytes[..1], [], bytes[1..]);
        Assert.Equal(OperationStatus.Done, MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame));
        Assert.Equal(sample.Expected, PacketText.Describe(frame, sample.Version));
    }

    [Fact]
    public void ConsecutivePacketsInOneBufferAreFramedOneAfterAnother()
    {
        byte[] all = WireSamples.All.Where(s => s.Version == MqttProtocolVersion.V500).SelectMany(s => Wire.Hex(s.Hex)).ToArray();
        foreach ((string layout, ReadOnlySequence<byte> sequence) in new[] { SequenceLayouts.All(all).First(), SequenceLayouts.All(all).Last() })
        {
            ReadOnlySequence<byte> buffer = sequence;
            var described = new List<string>();
            while (MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame) == OperationStatus.Done)
            {
                described.Add(PacketText.Describe(frame, MqttProtocolVersion.V500));
            }

            Assert.True(buffer.IsEmpty, layout);
            Assert.Equal(WireSamples.All.Where(s => s.Version == MqttProtocolVersion.V500).Select(s => s.Expected), described);
        }
    }
}
