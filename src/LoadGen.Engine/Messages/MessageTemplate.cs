using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace LoadGen.Engine;

/// <summary>
/// A per-message text template (payloads and MQTT 5.0 user property values), rendered straight into a buffer with no
/// allocation. Placeholders: <c>%c</c> client id, <c>%g</c> group name, <c>%i</c> session index, <c>%seq</c> the
/// session's message sequence number, <c>%ts</c> the send time in Unix milliseconds, <c>%rand_N</c> a whole number
/// from 0 to N-1, <c>%[a|b|c]</c> one of the choices, <c>%%</c> a percent sign.
/// </summary>
public sealed class MessageTemplate
{
    /// <summary>The placeholders, as error messages list them.</summary>
    public const string Allowed = "%c, %g, %i, %seq, %ts, %rand_N, %[a|b|c], %%";

    private readonly Part[] _parts;
    private readonly int _fixedLength;

    private MessageTemplate(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
        _fixedLength = parts.Sum(p => p.Literal.Length + (p.Kind == PartKind.Choice ? p.Choices!.Max(c => c.Length) : 0));
        HasSequence = parts.Any(p => p.Kind == PartKind.Sequence);
        HasTimestamp = parts.Any(p => p.Kind == PartKind.Timestamp);
        IsConstantPerSession = parts.All(p => p.Kind is PartKind.End or PartKind.ClientId or PartKind.Group or PartKind.Index);
        // A number is read back up to its first non-digit: the next part must not start with one (%seq%rand_10 cannot
        // be split), and a choice must not be empty.
        CanBeReadBack = parts.Select((p, i) => (p, i)).All(x => x.p.Kind switch
        {
            PartKind.Index or PartKind.Sequence or PartKind.Timestamp or PartKind.Random => x.i + 1 < parts.Length
                && (parts[x.i + 1].Literal.Length > 0 ? !char.IsAsciiDigit((char)parts[x.i + 1].Literal[0]) : parts[x.i + 1].Kind == PartKind.End),
            PartKind.Choice => x.p.Choices!.All(c => c.Length > 0),
            _ => true,
        });
    }

    private enum PartKind : byte { End, ClientId, Group, Index, Sequence, Timestamp, Random, Choice }

    private readonly record struct Part(byte[] Literal, PartKind Kind, int Bound, byte[][]? Choices);

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>True when it uses <c>%seq</c>.</summary>
    public bool HasSequence { get; }

    /// <summary>True when it uses <c>%ts</c>.</summary>
    public bool HasTimestamp { get; }

    /// <summary>True when <see cref="TryMatch"/> can read every message back: numbers are followed by a non-digit or the end.</summary>
    public bool CanBeReadBack { get; }

    /// <summary>True when every message of a session renders the same (no %seq, %ts, %rand_N or choice).</summary>
    public bool IsConstantPerSession { get; }

    /// <summary>Parses a template; throws <see cref="FormatException"/> naming the bad placeholder.</summary>
    public static MessageTemplate Parse(string text)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        void Add(PartKind kind, int bound = 0, byte[][]? choices = null)
        {
            parts.Add(new Part(Encoding.UTF8.GetBytes(literal.ToString()), kind, bound, choices));
            literal.Clear();
        }

        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                literal.Append(text[i]);
                continue;
            }

            ReadOnlySpan<char> rest = text.AsSpan(i + 1);
            if (rest.StartsWith("%"))
            {
                literal.Append('%');
                i++;
            }
            else if (rest.StartsWith("seq"))
            {
                Add(PartKind.Sequence);
                i += 3;
            }
            else if (rest.StartsWith("ts"))
            {
                Add(PartKind.Timestamp);
                i += 2;
            }
            else if (rest.StartsWith("rand_"))
            {
                int digits = 0;
                while (digits < rest.Length - 5 && char.IsAsciiDigit(rest[5 + digits]))
                {
                    digits++;
                }

                if (digits == 0 || !int.TryParse(rest.Slice(5, digits), NumberStyles.None, CultureInfo.InvariantCulture, out int bound) || bound < 1)
                {
                    throw new FormatException($"'%rand_' needs a positive whole number, as in %rand_100, in \"{text}\"");
                }

                Add(PartKind.Random, bound);
                i += 5 + digits;
            }
            else if (rest.StartsWith("["))
            {
                int close = rest.IndexOf(']');
                if (close < 2)
                {
                    throw new FormatException($"'%[' needs choices and a closing ']', as in %[on|off], in \"{text}\"");
                }

                Add(PartKind.Choice, choices: [.. rest[1..close].ToString().Split('|').Select(Encoding.UTF8.GetBytes)]);
                i += 1 + close;
            }
            else if (rest.Length > 0 && rest[0] is 'c' or 'g' or 'i')
            {
                Add(rest[0] switch { 'c' => PartKind.ClientId, 'g' => PartKind.Group, _ => PartKind.Index });
                i++;
            }
            else
            {
                throw new FormatException($"unknown placeholder '%{(rest.IsEmpty ? "" : rest[0].ToString())}' in \"{text}\"; allowed: {Allowed}");
            }
        }

        Add(PartKind.End);
        return new MessageTemplate(text, [.. parts]);
    }

    /// <summary>The most bytes a rendering can take for a client id and group name of these UTF-8 lengths.</summary>
    public int MaxLength(int clientIdLength, int groupLength)
    {
        int length = _fixedLength;
        foreach (Part part in _parts)
        {
            length += part.Kind switch
            {
                PartKind.ClientId => clientIdLength,
                PartKind.Group => groupLength,
                PartKind.Index => 11,
                PartKind.Sequence or PartKind.Timestamp => 20,
                PartKind.Random => 11,
                _ => 0,
            };
        }

        return length;
    }

    /// <summary>Renders one message into <paramref name="destination"/>, which holds at least <see cref="MaxLength"/> bytes.</summary>
    /// <returns>Bytes written.</returns>
    public int Render(Span<byte> destination, in MessageContext context)
    {
        int at = 0;
        ulong entropy = context.Entropy;
        foreach (Part part in _parts)
        {
            part.Literal.CopyTo(destination[at..]);
            at += part.Literal.Length;
            int written = 0;
            switch (part.Kind)
            {
                case PartKind.ClientId:
                    context.ClientId.CopyTo(destination[at..]);
                    written = context.ClientId.Length;
                    break;
                case PartKind.Group:
                    context.Group.CopyTo(destination[at..]);
                    written = context.Group.Length;
                    break;
                case PartKind.Index:
                    Utf8Formatter.TryFormat(context.Index, destination[at..], out written);
                    break;
                case PartKind.Sequence:
                    Utf8Formatter.TryFormat(context.Sequence, destination[at..], out written);
                    break;
                case PartKind.Timestamp:
                    Utf8Formatter.TryFormat(context.UnixMilliseconds, destination[at..], out written);
                    break;
                case PartKind.Random:
                    Utf8Formatter.TryFormat(Draw(ref entropy, part.Bound), destination[at..], out written);
                    break;
                case PartKind.Choice:
                    byte[] choice = part.Choices![Draw(ref entropy, part.Choices.Length)];
                    choice.CopyTo(destination[at..]);
                    written = choice.Length;
                    break;
            }

            at += written;
        }

        return at;
    }

    /// <summary>
    /// Reads <c>%seq</c> and <c>%ts</c> back out of a payload this template rendered for the session described by
    /// <paramref name="known"/> (its client id, group and index; the rest of the context is ignored): the way a 3.1.1
    /// message, which has nowhere else for a stamp, is audited. False when the payload is not this template's.
    /// </summary>
    public bool TryMatch(ReadOnlySpan<byte> payload, in MessageContext known, out long sequence, out long unixMilliseconds)
    {
        sequence = unixMilliseconds = -1;
        Span<byte> digits = stackalloc byte[11];
        foreach (Part part in _parts)
        {
            if (!payload.StartsWith(part.Literal))
            {
                return false;
            }

            payload = payload[part.Literal.Length..];
            bool matched;
            int used = 0;
            switch (part.Kind)
            {
                case PartKind.ClientId:
                    matched = Skip(ref payload, known.ClientId);
                    break;
                case PartKind.Group:
                    matched = Skip(ref payload, known.Group);
                    break;
                case PartKind.Index:
                    Utf8Formatter.TryFormat(known.Index, digits, out int length);
                    matched = Skip(ref payload, digits[..length]);
                    break;
                case PartKind.Sequence:
                    matched = Utf8Parser.TryParse(payload, out sequence, out used);
                    break;
                case PartKind.Timestamp:
                    matched = Utf8Parser.TryParse(payload, out unixMilliseconds, out used);
                    break;
                case PartKind.Random:
                    matched = Utf8Parser.TryParse(payload, out int _, out used);
                    break;
                case PartKind.Choice:
                    // The longest choice that fits, so "on" is not taken for the start of "once".
                    foreach (byte[] choice in part.Choices!)
                    {
                        if (choice.Length > used && payload.StartsWith(choice))
                        {
                            used = choice.Length;
                        }
                    }

                    matched = used > 0 || part.Choices.Any(c => c.Length == 0);
                    break;
                default:
                    matched = true;
                    break;
            }

            if (!matched)
            {
                return false;
            }

            payload = payload[used..];
        }

        return payload.IsEmpty && (!HasSequence || sequence >= 0) && (!HasTimestamp || unixMilliseconds >= 0);
    }

    private static bool Skip(ref ReadOnlySpan<byte> payload, scoped ReadOnlySpan<byte> expected)
    {
        if (!payload.StartsWith(expected))
        {
            return false;
        }

        payload = payload[expected.Length..];
        return true;
    }

    // Each random placeholder of a message draws its own number from the message's one entropy value (a SplitMix64 step).
    private static int Draw(ref ulong state, int bound)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) % (ulong)bound);
    }

    /// <summary>Renders to a string (once per session for constant templates, and for tests).</summary>
    public string RenderText(in MessageContext context)
    {
        byte[] buffer = new byte[MaxLength(context.ClientId.Length, context.Group.Length)];
        return Encoding.UTF8.GetString(buffer, 0, Render(buffer, context));
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>What one message's template is rendered from.</summary>
/// <param name="ClientId">The session's client id, UTF-8.</param>
/// <param name="Group">The group's name, UTF-8.</param>
/// <param name="Index">The session's index in the profile.</param>
/// <param name="Sequence">The session's message sequence number.</param>
/// <param name="UnixMilliseconds">The send time.</param>
/// <param name="Entropy">A random value drawn for this message; %rand_N and choices derive from it.</param>
public readonly ref struct MessageContext(ReadOnlySpan<byte> ClientId, ReadOnlySpan<byte> Group, int Index, long Sequence, long UnixMilliseconds, ulong Entropy)
{
    /// <summary>The session's client id, UTF-8.</summary>
    public ReadOnlySpan<byte> ClientId { get; } = ClientId;

    /// <summary>The group's name, UTF-8.</summary>
    public ReadOnlySpan<byte> Group { get; } = Group;

    /// <summary>The session's index in the profile.</summary>
    public int Index { get; } = Index;

    /// <summary>The session's message sequence number.</summary>
    public long Sequence { get; } = Sequence;

    /// <summary>The send time in Unix milliseconds.</summary>
    public long UnixMilliseconds { get; } = UnixMilliseconds;

    /// <summary>A random value drawn for this message.</summary>
    public ulong Entropy { get; } = Entropy;
}
