using System.Buffers;
using System.Text;
using LoadGen.Protocol;

namespace LoadGen.Client.Tests;

/// <summary>Records every session event as a line of text, and completions as values.</summary>
internal sealed class RecordingEvents : IMqttSessionEvents
{
    public List<string> Lines { get; } = new();

    public List<PublishCompletion> Completions { get; } = new();

    public bool RecordText { get; set; } = true;

    public long MessagesDelivered { get; private set; }

    public void OnConnAck(bool sessionPresent, byte code, in MqttProperties properties) =>
        Lines.Add($"connack sp={sessionPresent} rc={code}");

    public void OnPublishCompleted(in PublishCompletion completion)
    {
        if (RecordText)
        {
            Completions.Add(completion);
            Lines.Add($"published id={completion.PacketId} qos={(int)completion.QoS} rc={(byte)completion.ReasonCode} resends={completion.Resends}");
        }
    }

    public void OnMessage(in PublishPacket message)
    {
        MessagesDelivered++;
        if (RecordText)
        {
            Lines.Add($"message {Encoding.UTF8.GetString(message.Topic)}={Encoding.UTF8.GetString(message.Payload)} qos={(int)message.QoS}");
        }
    }

    public void OnSubAck(ushort packetId, in ReadOnlySequence<byte> reasonCodes) =>
        Lines.Add($"suback id={packetId} granted={Convert.ToHexString(reasonCodes.ToArray())}");

    public void OnUnsubAck(ushort packetId, in ReadOnlySequence<byte> reasonCodes) => Lines.Add($"unsuback id={packetId}");

    public void OnServerDisconnect(MqttReasonCode reason) => Lines.Add($"server disconnect rc={(byte)reason}");

    public void OnLog(MqttLogLevel level, string message) => Lines.Add($"log {level}");
}
