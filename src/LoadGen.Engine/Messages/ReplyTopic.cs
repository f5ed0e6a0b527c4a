using System.Buffers;
using System.Text;

namespace LoadGen.Engine;

/// <summary>
/// Where a 3.1.1 responder answers, by topic convention (3.1.1 has no Response Topic): a template whose <c>%1</c> to
/// <c>%9</c> are the request topic's levels, so requests on <c>rpc/request/&lt;client id&gt;</c> are answered on
/// <c>rpc/reply/%3</c>. Rendered into the reply's buffer with no allocation.
/// </summary>
public sealed class ReplyTopic
{
    private readonly (byte[] Literal, int Level)[] _parts;

    private ReplyTopic(string text, (byte[], int)[] parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>Parses a reply topic; throws <see cref="FormatException"/> naming the bad placeholder.</summary>
    public static ReplyTopic Parse(string text)
    {
        var parts = new List<(byte[], int)>();
        var literal = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                literal.Append(text[i]);
            }
            else if (i + 1 < text.Length && text[i + 1] == '%')
            {
                literal.Append('%');
                i++;
            }
            else if (i + 1 < text.Length && text[i + 1] is >= '1' and <= '9')
            {
                parts.Add((Encoding.UTF8.GetBytes(literal.ToString()), text[i + 1] - '0'));
                literal.Clear();
                i++;
            }
            else
            {
                throw new FormatException($"unknown placeholder in \"{text}\"; allowed: %1 to %9 (the request topic's levels), %%");
            }
        }

        parts.Add((Encoding.UTF8.GetBytes(literal.ToString()), 0));
        return new ReplyTopic(text, [.. parts]);
    }

    /// <summary>The most bytes a reply topic takes for a request topic of <paramref name="requestTopicLength"/> bytes.</summary>
    public int MaxLength(int requestTopicLength) => _parts.Sum(p => p.Literal.Length + (p.Level > 0 ? requestTopicLength : 0));

    /// <summary>Renders the reply topic for a request on <paramref name="requestTopic"/>; -1 when it has too few levels or
    /// <paramref name="destination"/> is too small.</summary>
    public int Render(ReadOnlySequence<byte> requestTopic, Span<byte> destination)
    {
        Span<byte> topic = requestTopic.Length <= 512 ? stackalloc byte[(int)requestTopic.Length] : new byte[requestTopic.Length];
        requestTopic.CopyTo(topic);
        int at = 0;
        foreach ((byte[] literal, int level) in _parts)
        {
            if (at + literal.Length > destination.Length)
            {
                return -1;
            }

            literal.CopyTo(destination[at..]);
            at += literal.Length;
            if (level == 0)
            {
                continue;
            }

            ReadOnlySpan<byte> rest = topic;
            for (int l = 1; l < level; l++)
            {
                int slash = rest.IndexOf((byte)'/');
                if (slash < 0)
                {
                    return -1;
                }

                rest = rest[(slash + 1)..];
            }

            int end = rest.IndexOf((byte)'/');
            ReadOnlySpan<byte> value = end < 0 ? rest : rest[..end];
            if (at + value.Length > destination.Length)
            {
                return -1;
            }

            value.CopyTo(destination[at..]);
            at += value.Length;
        }

        return at;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
