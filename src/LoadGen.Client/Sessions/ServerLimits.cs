using LoadGen.Protocol;

namespace LoadGen.Client;

/// <summary>
/// What the broker's CONNACK said about itself (MQTT 5.0 §3.2.2.3), for the connection it answered. A 3.1.1 broker,
/// or a 5.0 one that sent no such property, has the protocol's defaults.
/// </summary>
/// <param name="MaximumPacketSize">The largest packet the broker accepts, fixed header included (§3.2.2.3.6); the client never sends a larger one [MQTT-3.2.2-15].</param>
/// <param name="MaximumQos">The highest QoS the broker accepts in PUBLISH (§3.2.2.3.4) [MQTT-3.2.2-11].</param>
/// <param name="RetainAvailable">False when the broker does not keep retained messages (§3.2.2.3.5) [MQTT-3.2.2-14].</param>
/// <param name="TopicAliasMaximum">How many topic aliases the client may use (§3.2.2.3.8); 0 allows none.</param>
/// <param name="ReceiveMaximum">How many QoS 1/2 messages the broker takes in flight at once (§3.2.2.3.3).</param>
/// <param name="AssignedClientIdentifier">The client identifier the broker assigned, when the client sent none (§3.2.2.3.7).</param>
public sealed record ServerLimits(uint MaximumPacketSize, MqttQualityOfService MaximumQos, bool RetainAvailable, ushort TopicAliasMaximum,
    ushort ReceiveMaximum, string? AssignedClientIdentifier)
{
    /// <summary>The protocol's defaults: no packet size limit beyond the protocol's, QoS 2, retain, no aliases, 65,535 in flight.</summary>
    public static ServerLimits Defaults { get; } = new(MqttFrameScanner.MaximumPacketSize, MqttQualityOfService.ExactlyOnce, true, 0, ushort.MaxValue, null);

    /// <summary>Reads the limits from a 5.0 CONNACK's properties; a 3.1.1 CONNACK has none.</summary>
    public static ServerLimits From(in MqttProperties properties, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500 || properties.IsEmpty)
        {
            return Defaults;
        }

        string? assigned = properties.TryGetData(MqttPropertyId.AssignedClientIdentifier, out System.Buffers.ReadOnlySequence<byte> id)
            ? System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(id))
            : null;
        return new ServerLimits(
            properties.TryGetValue(MqttPropertyId.MaximumPacketSize, out uint size) ? size : Defaults.MaximumPacketSize,
            properties.TryGetValue(MqttPropertyId.MaximumQoS, out uint qos) ? (MqttQualityOfService)Math.Min(qos, 2) : MqttQualityOfService.ExactlyOnce,
            !properties.TryGetValue(MqttPropertyId.RetainAvailable, out uint retain) || retain != 0,
            properties.TryGetValue(MqttPropertyId.TopicAliasMaximum, out uint aliases) ? (ushort)aliases : (ushort)0,
            properties.TryGetValue(MqttPropertyId.ReceiveMaximum, out uint receive) ? (ushort)receive : ushort.MaxValue,
            assigned);
    }
}
