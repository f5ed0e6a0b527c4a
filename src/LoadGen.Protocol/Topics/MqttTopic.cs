using System.Buffers;

namespace LoadGen.Protocol;

/// <summary>
/// Topic names and topic filters (MQTT 5.0 §4.7, MQTT 3.1.1 §4.7): validation and wildcard matching on UTF-8 bytes.
/// </summary>
public static class MqttTopic
{
    private static ReadOnlySpan<byte> SharePrefix => "$share/"u8;

    /// <summary>
    /// §3.3.2.1: a PUBLISH topic name has no wildcards. It must be non-empty unless a v5 Topic Alias stands in for it,
    /// which the caller says with <paramref name="allowEmpty"/>.
    /// </summary>
    public static void ValidateName(ReadOnlySpan<byte> topic, bool allowEmpty = false)
    {
        if (topic.IsEmpty)
        {
            if (!allowEmpty)
            {
                // §3.3.2.1: a zero-length Topic Name without a Topic Alias is a Protocol Error.
                MqttProtocolException.ProtocolError(MqttViolation.EmptyTopicName, "The topic name is empty.");
            }

            return;
        }

        if (topic.IndexOfAny((byte)'+', (byte)'#') >= 0)
        {
            MqttProtocolException.Throw(MqttReasonCode.TopicNameInvalid, MqttViolation.WildcardInTopicName,
                "The topic name of a PUBLISH contains a wildcard ('+' or '#').");
        }
    }

    /// <summary>Same as <see cref="ValidateName(ReadOnlySpan{byte}, bool)"/> for a topic that may span segments.</summary>
    public static void ValidateName(in ReadOnlySequence<byte> topic, bool allowEmpty = false)
    {
        if (topic.IsSingleSegment)
        {
            ValidateName(topic.FirstSpan, allowEmpty);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in topic)
        {
            ValidateName(segment.Span, allowEmpty: true);
        }
    }

    /// <summary>
    /// §4.7.1: a filter is non-empty; '#' stands alone as the last level; '+' stands alone in its level.
    /// Under 5.0 a <c>$share/{name}/{filter}</c> shared subscription needs a name without wildcards or '/'.
    /// Returns true when the filter is a shared subscription.
    /// </summary>
    public static bool ValidateFilter(ReadOnlySpan<byte> filter, MqttProtocolVersion version)
    {
        bool shared = false;
        if (version == MqttProtocolVersion.V500 && filter.StartsWith(SharePrefix))
        {
            ReadOnlySpan<byte> rest = filter[SharePrefix.Length..];
            int slash = rest.IndexOf((byte)'/');
            if (slash <= 0 || rest[..slash].IndexOfAny((byte)'+', (byte)'#') >= 0 || slash == rest.Length - 1)
            {
                InvalidFilter("A shared subscription must read $share/{ShareName}/{filter}, with a share name free of wildcards.");
            }

            filter = rest[(slash + 1)..];
            shared = true;
        }

        if (filter.IsEmpty)
        {
            InvalidFilter("The topic filter is empty.");
        }

        for (int i = 0; i < filter.Length; i++)
        {
            byte c = filter[i];
            if (c == (byte)'#')
            {
                if (i != filter.Length - 1 || (i > 0 && filter[i - 1] != (byte)'/'))
                {
                    InvalidFilter("'#' must be the last character of the filter and stand alone in its level.");
                }
            }
            else if (c == (byte)'+')
            {
                bool startsLevel = i == 0 || filter[i - 1] == (byte)'/';
                bool endsLevel = i == filter.Length - 1 || filter[i + 1] == (byte)'/';
                if (!startsLevel || !endsLevel)
                {
                    InvalidFilter("'+' must stand alone in its level.");
                }
            }
        }

        return shared;
    }

    /// <summary>
    /// True when <paramref name="topic"/> matches <paramref name="filter"/> (§4.7). Topics starting with '$' are not
    /// matched by filters that start with a wildcard (§4.7.2).
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> filter, ReadOnlySpan<byte> topic)
    {
        if (!topic.IsEmpty && topic[0] == (byte)'$' && !filter.IsEmpty && (filter[0] == (byte)'+' || filter[0] == (byte)'#'))
        {
            return false;
        }

        while (true)
        {
            int filterSlash = filter.IndexOf((byte)'/');
            ReadOnlySpan<byte> filterLevel = filterSlash < 0 ? filter : filter[..filterSlash];
            if (filterLevel.Length == 1 && filterLevel[0] == (byte)'#')
            {
                // "sport/#" also matches "sport", the parent level itself.
                return true;
            }

            int topicSlash = topic.IndexOf((byte)'/');
            ReadOnlySpan<byte> topicLevel = topicSlash < 0 ? topic : topic[..topicSlash];
            bool plus = filterLevel.Length == 1 && filterLevel[0] == (byte)'+';
            if (!plus && !filterLevel.SequenceEqual(topicLevel))
            {
                return false;
            }

            if (filterSlash < 0 || topicSlash < 0)
            {
                if (filterSlash < 0 && topicSlash < 0)
                {
                    return true;
                }

                // The topic ended but the filter goes on: only a trailing "/#" still matches.
                return topicSlash < 0 && filter[(filterSlash + 1)..].SequenceEqual("#"u8);
            }

            filter = filter[(filterSlash + 1)..];
            topic = topic[(topicSlash + 1)..];
        }
    }

    private static void InvalidFilter(string message) =>
        MqttProtocolException.Throw(MqttReasonCode.TopicFilterInvalid, MqttViolation.InvalidTopicFilter, message);
}
