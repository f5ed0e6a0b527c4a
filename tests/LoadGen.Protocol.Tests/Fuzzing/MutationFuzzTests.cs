using System.Buffers;

namespace LoadGen.Protocol.Tests.Fuzzing;

/// <summary>
/// A bounded, seeded fuzz run: mutated wire samples and random bytes go through the scanner and the decoder under
/// both versions. The only acceptable outcomes are Done, NeedMoreData or <see cref="MqttProtocolException"/>; any
/// other exception is a bug. A packet that decodes must also re-encode and decode to the same packet.
/// </summary>
public class MutationFuzzTests
{
    private const int Iterations = 120_000;

    [Fact]
    public void MutatedAndRandomFramesOnlyEverYieldDoneNeedMoreDataOrAProtocolException()
    {
        var random = new Random(20_261_127);
        byte[][] seeds = WireSamples.All.Select(s => Wire.Hex(s.Hex)).ToArray();
        var outcomes = new Dictionary<string, int>();
        var failures = new List<string>();

        for (int i = 0; i < Iterations && failures.Count < 5; i++)
        {
            byte[] input = i % 4 == 3 ? RandomBytes(random) : Mutate(seeds[random.Next(seeds.Length)], random);
            ReadOnlySequence<byte> sequence = (i & 1) == 0
                ? new ReadOnlySequence<byte>(input)
                : SequenceLayouts.Chain(Split(input, random));
            try
            {
                Count(outcomes, Run(sequence, outcomes));
            }
            catch (MqttProtocolException ex)
            {
                Count(outcomes, "protocol exception: " + ex.Violation);
            }
            catch (Exception ex)
            {
                failures.Add($"{ex.GetType().Name}: {ex.Message} for {Wire.Hex(input)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The run must have exercised every outcome, or it proves little.
        Assert.True(outcomes.GetValueOrDefault("decoded") > 1_000, Describe(outcomes));
        Assert.True(outcomes.GetValueOrDefault("need more data") > 1_000, Describe(outcomes));
        Assert.True(outcomes.Keys.Count(k => k.StartsWith("protocol exception", StringComparison.Ordinal)) >= 15, Describe(outcomes));
    }

    private static string Run(ReadOnlySequence<byte> buffer, Dictionary<string, int> outcomes)
    {
        string outcome = "need more data";
        // Each Done consumes at least two bytes, so this loop ends; the bound is a second guard against a hang.
        for (int frames = 0; frames < 64; frames++)
        {
            OperationStatus status = MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame, maximumPacketSize: 1 << 16);
            if (status == OperationStatus.NeedMoreData)
            {
                return outcome;
            }

            Assert.Equal(OperationStatus.Done, status);
            foreach (MqttProtocolVersion version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
            {
                try
                {
                    MqttDecoder.Validate(frame, version);
                }
                catch (MqttProtocolException ex)
                {
                    Count(outcomes, "protocol exception: " + ex.Violation);
                    continue;
                }

                // Valid packets must describe (enumerating every view) and survive a re-encode unchanged.
                string described = PacketText.Describe(frame, version);
                byte[] reencoded = Reencode.Frame(frame, version);
                Assert.Equal(described, PacketText.Describe(reencoded, version));
                outcome = "decoded";
            }
        }

        return outcome;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int mutations = 1 + random.Next(3);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(6))
            {
                case 0: // flip a bit
                    int bit = random.Next(bytes.Count * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    break;
                case 1: // replace a byte with an interesting value
                    bytes[random.Next(bytes.Count)] = (byte)(random.Next(5) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x80, 3 => 0x7F, _ => random.Next(256) });
                    break;
                case 2: // insert a byte
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 3: // delete a byte
                    if (bytes.Count > 1)
                    {
                        bytes.RemoveAt(random.Next(bytes.Count));
                    }

                    break;
                case 4: // truncate
                    if (bytes.Count > 1)
                    {
                        int keep = random.Next(1, bytes.Count);
                        bytes.RemoveRange(keep, bytes.Count - keep);
                    }

                    break;
                default: // fix up the remaining length byte so the body, not the framing, gets fuzzed
                    if (bytes.Count is > 2 and < 129)
                    {
                        bytes[1] = (byte)(bytes.Count - 2);
                    }

                    break;
            }
        }

        return bytes.ToArray();
    }

    private static byte[] RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(1, 48)];
        random.NextBytes(bytes);
        if (bytes.Length > 2 && random.Next(2) == 0)
        {
            bytes[1] = (byte)(bytes.Length - 2);
        }

        return bytes;
    }

    private static byte[][] Split(byte[] input, Random random)
    {
        if (input.Length < 2)
        {
            return [input];
        }

        int cut = random.Next(1, input.Length);
        return [input[..cut], input[cut..]];
    }

    private static void Count(Dictionary<string, int> outcomes, string key) => outcomes[key] = outcomes.GetValueOrDefault(key) + 1;

    private static string Describe(Dictionary<string, int> outcomes) =>
        string.Join(", ", outcomes.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key}={kv.Value}"));
}
