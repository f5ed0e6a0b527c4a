using System.Buffers;
using System.Text;

namespace LoadGen.Protocol;

/// <summary>
/// One entry of a SUBSCRIBE payload (§3.8.3): a topic filter and its Subscription Options byte. Under 3.1.1 only the
/// QoS bits exist; No Local, Retain As Published and Retain Handling are 5.0 (§3.8.3.1).
/// </summary>
public readonly struct MqttSubscription
{
    /// <summary>Creates a subscription from a filter and options.</summary>
    public MqttSubscription(ReadOnlySequence<byte> topicFilter, MqttQualityOfService qos, bool noLocal = false,
        bool retainAsPublished = false, MqttRetainHandling retainHandling = MqttRetainHandling.SendAtSubscribe)
    {
        TopicFilter = topicFilter;
        Options = (byte)((byte)qos | (noLocal ? 0b100 : 0) | (retainAsPublished ? 0b1000 : 0) | ((byte)retainHandling << 4));
    }

    /// <summary>Creates a subscription from a string filter.</summary>
    public MqttSubscription(string topicFilter, MqttQualityOfService qos, bool noLocal = false,
        bool retainAsPublished = false, MqttRetainHandling retainHandling = MqttRetainHandling.SendAtSubscribe)
        : this(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(topicFilter)), qos, noLocal, retainAsPublished, retainHandling)
    {
    }

    internal MqttSubscription(ReadOnlySequence<byte> topicFilter, byte options)
    {
        TopicFilter = topicFilter;
        Options = options;
    }

    /// <summary>The topic filter, UTF-8.</summary>
    public ReadOnlySequence<byte> TopicFilter { get; }

    /// <summary>The raw Subscription Options byte.</summary>
    public byte Options { get; }

    /// <summary>Maximum QoS the server may use for this subscription.</summary>
    public MqttQualityOfService QoS => (MqttQualityOfService)(Options & 0b11);

    /// <summary>5.0: do not forward messages this client published itself.</summary>
    public bool NoLocal => (Options & 0b100) != 0;

    /// <summary>5.0: keep the RETAIN flag as published when forwarding.</summary>
    public bool RetainAsPublished => (Options & 0b1000) != 0;

    /// <summary>5.0: when retained messages are sent.</summary>
    public MqttRetainHandling RetainHandling => (MqttRetainHandling)((Options >> 4) & 0b11);
}
