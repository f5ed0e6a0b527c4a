using System.Globalization;
using System.Text;

namespace LoadGen.Engine;

/// <summary>
/// A topic or client-id template in emqtt-bench's style: <c>%i</c> is the session index, <c>%c</c> the client id,
/// <c>%rand_N</c> a random number from 0 to N-1 drawn per message, <c>%%</c> a percent sign.
/// </summary>
public sealed class TopicTemplate
{
    private readonly (string Literal, char Kind, int Bound)[] _parts;

    private TopicTemplate(string text, (string, char, int)[] parts)
    {
        Text = text;
        _parts = parts;
        IsRandom = parts.Any(p => p.Item2 == 'r');
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>True when the result differs per message (it uses <c>%rand_N</c>), not just per session.</summary>
    public bool IsRandom { get; }

    /// <summary>Parses a template. Throws <see cref="FormatException"/> naming the bad placeholder.</summary>
    public static TopicTemplate Parse(string text)
    {
        var parts = new List<(string, char, int)>();
        var literal = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                literal.Append(text[i]);
                continue;
            }

            string rest = text[(i + 1)..];
            if (rest.StartsWith('%'))
            {
                literal.Append('%');
                i++;
            }
            else if (rest.StartsWith('i') || rest.StartsWith('c'))
            {
                parts.Add((literal.ToString(), rest[0], 0));
                literal.Clear();
                i++;
            }
            else if (rest.StartsWith("rand_", StringComparison.Ordinal))
            {
                int digits = rest[5..].TakeWhile(char.IsAsciiDigit).Count();
                if (digits == 0 || !int.TryParse(rest.AsSpan(5, digits), NumberStyles.None, CultureInfo.InvariantCulture, out int bound) || bound < 1)
                {
                    throw new FormatException($"'%rand_' needs a positive whole number, as in %rand_100, in \"{text}\"");
                }

                parts.Add((literal.ToString(), 'r', bound));
                literal.Clear();
                i += 5 + digits;
            }
            else
            {
                throw new FormatException($"unknown placeholder '%{rest.FirstOrDefault()}' in \"{text}\"; allowed: %i, %c, %rand_N, %%");
            }
        }

        parts.Add((literal.ToString(), '\0', 0));
        return new TopicTemplate(text, parts.ToArray());
    }

    // MQTT 3.1.1 §4.7 / 5.0 §4.7: a topic name in PUBLISH has no wildcards [MQTT-3.3.2-2] and is at least one
    // character long [MQTT-4.7.3-1]; a broker closes the session of a client that breaks either.
    /// <summary>Why <paramref name="text"/> cannot be a topic a publisher writes to, or null when it can.</summary>
    public static string? PublishProblem(string text)
    {
        if (text.Length == 0)
        {
            return "an empty topic; allowed: a topic name of at least one character, such as \"sensors/%i\"";
        }

        if (text.Contains('#') || text.Contains('+'))
        {
            return $"\"{text}\" has a wildcard (+ or #), which only subscriptions may use; allowed: a topic name such as \"sensors/%i\"";
        }

        return text.Contains('\0') ? $"\"{text}\" contains U+0000, which no topic may; allowed: a topic name such as \"sensors/%i\"" : null;
    }

    /// <summary>Expands the template for one session (and, with <c>%rand_N</c>, one message).</summary>
    public string Expand(int sessionIndex, string clientId, Random random)
    {
        var sb = new StringBuilder();
        foreach ((string literal, char kind, int bound) in _parts)
        {
            sb.Append(literal);
            switch (kind)
            {
                case 'i': sb.Append(sessionIndex.ToString(CultureInfo.InvariantCulture)); break;
                case 'c': sb.Append(clientId); break;
                case 'r': sb.Append(random.Next(bound).ToString(CultureInfo.InvariantCulture)); break;
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
