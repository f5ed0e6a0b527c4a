namespace LoadGen.Protocol.Tests;

/// <summary>Decodes a frame with our decoder and writes it back with our encoder.</summary>
internal static class Reencode
{
    public static byte[] Frame(in MqttFrame frame, MqttProtocolVersion version)
    {
        MqttFrame f = frame;
        return f.Type switch
        {
            MqttPacketType.Connect => Wire.Encode(o => MqttEncoder.WriteConnect(o, MqttDecoder.DecodeConnect(f))),
            MqttPacketType.ConnAck => Wire.Encode(o => MqttEncoder.WriteConnAck(o, MqttDecoder.DecodeConnAck(f, version), version)),
            MqttPacketType.Publish => Wire.Encode(o => MqttEncoder.WritePublish(o, MqttDecoder.DecodePublish(f, version), version)),
            MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp =>
                Wire.Encode(o => MqttEncoder.WriteAck(o, MqttDecoder.DecodeAck(f, version), version)),
            MqttPacketType.Subscribe => Wire.Encode(o => MqttEncoder.WriteSubscribe(o, MqttDecoder.DecodeSubscribe(f, version), version)),
            MqttPacketType.SubAck => Wire.Encode(o => MqttEncoder.WriteSubAck(o, MqttDecoder.DecodeSubAck(f, version), version)),
            MqttPacketType.Unsubscribe => Wire.Encode(o => MqttEncoder.WriteUnsubscribe(o, MqttDecoder.DecodeUnsubscribe(f, version), version)),
            MqttPacketType.UnsubAck => Wire.Encode(o => MqttEncoder.WriteUnsubAck(o, MqttDecoder.DecodeUnsubAck(f, version), version)),
            MqttPacketType.PingReq => Wire.Encode(MqttEncoder.WritePingReq),
            MqttPacketType.PingResp => Wire.Encode(MqttEncoder.WritePingResp),
            MqttPacketType.Disconnect => Wire.Encode(o => MqttEncoder.WriteDisconnect(o, MqttDecoder.DecodeDisconnect(f, version), version)),
            MqttPacketType.Auth => Wire.Encode(o => MqttEncoder.WriteAuth(o, MqttDecoder.DecodeAuth(f, version))),
            _ => throw new InvalidOperationException(f.Type.ToString()),
        };
    }
}
