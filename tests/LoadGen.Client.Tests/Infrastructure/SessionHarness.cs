using System.Buffers;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client.Tests;

/// <summary>
/// Drives a <see cref="MqttSession"/> as a broker would: feeds it packets as hex and reads back, as one line per
/// packet, exactly what it wrote. The clock is a counter the test advances, so timing is deterministic.
/// </summary>
internal sealed class SessionHarness
{
    private readonly ArrayBufferWriter<byte> _output = new();

    public SessionHarness(MqttSessionOptions options)
    {
        Events = new RecordingEvents();
        Session = new MqttSession(options, Events);
    }

    public MqttSession Session { get; }

    public RecordingEvents Events { get; }

    public long Now { get; set; } = 1_000;

    public MqttProtocolVersion Version => Session.Options.ProtocolVersion;

    public IBufferWriter<byte> Output => _output;

    public static readonly ReadOnlyMemory<byte> Topic = Encoding.UTF8.GetBytes("t");

    public static readonly ReadOnlyMemory<byte> Payload = Encoding.UTF8.GetBytes("p");

    /// <summary>
    /// Connects and answers CONNACK with the given Session Present flag. The CONNECT is cleared from the output;
    /// whatever the session writes in answer to the CONNACK (resends) stays for the test to read.
    /// </summary>
    public SessionHarness Connected(bool sessionPresent = false)
    {
        Session.Connect(_output, Now);
        Assert.Single(Sent(), line => line.StartsWith("CONNECT", StringComparison.Ordinal));
        string flags = sessionPresent ? "01" : "00";
        Feed(Version == MqttProtocolVersion.V500 ? $"20 03 {flags} 00 00" : $"20 02 {flags} 00");
        return this;
    }

    public ushort Publish(MqttQualityOfService qos)
    {
        Assert.True(Session.Publish(_output, Topic, Payload, qos, retain: false, Now, out ushort id));
        return id;
    }

    /// <summary>Feeds one or more packets given as hex.</summary>
    public void Feed(string hex)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex.Replace(" ", "")));
        while (MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame) == OperationStatus.Done)
        {
            Session.HandleFrame(frame, _output, Now);
        }

        Assert.True(buffer.IsEmpty, "trailing bytes in the fed hex");
    }

    /// <summary>What the session wrote since the last call, one packet per line; clears it.</summary>
    public List<string> Sent()
    {
        var lines = new List<string>();
        var buffer = new ReadOnlySequence<byte>(_output.WrittenMemory.ToArray());
        while (MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame) == OperationStatus.Done)
        {
            lines.Add(Describe(frame));
        }

        Assert.True(buffer.IsEmpty, "the session wrote a partial packet");
        _output.ResetWrittenCount();
        return lines;
    }

    /// <summary>The PUBLISH packets written since the last call, as topic name, Topic Alias (0 for none) and DUP; clears the output.</summary>
    public List<(string Topic, int Alias, bool Dup)> SentPublishes()
    {
        var publishes = new List<(string, int, bool)>();
        var buffer = new ReadOnlySequence<byte>(_output.WrittenMemory.ToArray());
        while (MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame) == OperationStatus.Done)
        {
            if (frame.Type == MqttPacketType.Publish)
            {
                PublishPacket p = MqttDecoder.DecodePublish(frame, Version);
                int alias = p.Properties.TryGetValue(MqttPropertyId.TopicAlias, out uint value) ? (int)value : 0;
                publishes.Add((Encoding.UTF8.GetString(p.Topic), alias, p.Dup));
            }
        }

        _output.ResetWrittenCount();
        return publishes;
    }

    private string Describe(in MqttFrame frame)
    {
        switch (frame.Type)
        {
            case MqttPacketType.Publish:
                PublishPacket p = MqttDecoder.DecodePublish(frame, Version);
                return $"PUBLISH qos={(int)p.QoS} id={p.PacketId} dup={(p.Dup ? 1 : 0)}";
            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp:
                AckPacket a = MqttDecoder.DecodeAck(frame, Version);
                return $"{a.Type.ToString().ToUpperInvariant()} id={a.PacketId}" + (a.ReasonCode == 0 ? "" : $" rc={(byte)a.ReasonCode}");
            case MqttPacketType.Connect:
                ConnectPacket c = MqttDecoder.DecodeConnect(frame);
                return $"CONNECT v={(int)c.ProtocolVersion} clean={c.CleanStart}";
            case MqttPacketType.Subscribe:
                return $"SUBSCRIBE id={MqttDecoder.DecodeSubscribe(frame, Version).PacketId}";
            default:
                MqttDecoder.Validate(frame, Version);
                return frame.Type.ToString().ToUpperInvariant();
        }
    }
}
