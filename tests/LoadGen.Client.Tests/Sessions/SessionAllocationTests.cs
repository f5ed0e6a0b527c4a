using System.Buffers;
using LoadGen.Protocol;

namespace LoadGen.Client.Tests.Sessions;

/// <summary>At steady state, a full publish handshake at each QoS allocates nothing.</summary>
public class SessionAllocationTests
{
    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttProtocolVersion.V500)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttProtocolVersion.V500)]
    public void PublishingAndCompletingHandshakesAllocatesNothing(MqttQualityOfService qos, MqttProtocolVersion version)
    {
        var events = new RecordingEvents { RecordText = false };
        var session = new MqttSession(new MqttSessionOptions { ClientId = "c", ProtocolVersion = version, KeepAlive = TimeSpan.Zero }, events);
        var output = new ArrayBufferWriter<byte>(4096);
        byte[] acks = new byte[4];
        session.Connect(output, 0);
        Feed(session, output, version == MqttProtocolVersion.V500 ? [0x20, 3, 0, 0, 0] : [0x20, 2, 0, 0]);
        ReadOnlyMemory<byte> topic = "devices/1/telemetry"u8.ToArray();
        ReadOnlyMemory<byte> payload = new byte[100];

        void OneMessage(long now)
        {
            output.ResetWrittenCount();
            session.Publish(output, topic, payload, qos, false, now, out ushort id);
            if (qos == MqttQualityOfService.AtMostOnce)
            {
                return;
            }

            acks[0] = qos == MqttQualityOfService.AtLeastOnce ? (byte)0x40 : (byte)0x50;
            acks[1] = 2;
            acks[2] = (byte)(id >> 8);
            acks[3] = (byte)id;
            Feed(session, output, acks);
            if (qos == MqttQualityOfService.ExactlyOnce)
            {
                acks[0] = 0x70;
                Feed(session, output, acks);
            }
        }

        long now = 0;
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => OneMessage(now++)));
        Assert.Equal(0, session.InFlight);
    }

    private static void Feed(MqttSession session, IBufferWriter<byte> output, byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        while (MqttFrameScanner.TryRead(ref buffer, out MqttFrame frame) == OperationStatus.Done)
        {
            session.HandleFrame(frame, output, 0);
        }
    }
}
