using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

/// <summary>
/// A group's MQTT user name and password, resolved when the profile is loaded (from the profile itself, an
/// environment variable or a file). Never printed: <see cref="ToString"/> hides both, and the profile text kept in
/// results has their values masked (<see cref="Redact"/>).
/// </summary>
/// <param name="UserName">The CONNECT user name, if any.</param>
/// <param name="Password">The CONNECT password, if any.</param>
public sealed record Credentials(string? UserName, byte[]? Password)
{
    /// <summary>What replaces a credential's value in text that is kept.</summary>
    public const string Mask = "\"***\"";

    private static readonly string[] Keys = ["username", "password"];

    /// <inheritdoc/>
    public override string ToString() => "Credentials { (hidden) }";

    /// <summary>
    /// Masks every <c>username</c> and <c>password</c> value in profile text, found by the parser rather than by
    /// pattern, so quoting, comments, block scalars and anchors cannot hide one; and the value after <c>=</c> in
    /// <c>--set</c> lines that name either key. References stay: <c>password: { env: NAME }</c> and
    /// <c>{ file: PATH }</c> name where the secret is, not the secret.
    /// </summary>
    /// <param name="yaml">The profile text as read.</param>
    /// <param name="root">Its parsed root, before any override was applied.</param>
    /// <param name="overrides">The <c>--set key=value</c> overrides, listed after the text as comments.</param>
    public static string Redact(string yaml, YamlNode root, IReadOnlyList<string> overrides)
    {
        var spans = new List<(int Start, int End)>();
        Collect(root, spans, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));
        var text = new System.Text.StringBuilder(yaml);
        foreach ((int start, int end) in spans.Distinct().OrderByDescending(s => s.Start))
        {
            if (start >= 0 && end <= text.Length && end > start)
            {
                text.Remove(start, end - start).Insert(start, Mask);
            }
        }

        string masked = text.ToString();
        if (overrides.Count == 0)
        {
            return masked;
        }

        return masked.TrimEnd() + "\n" + string.Concat(overrides.Select(o => $"# --set {RedactOverride(o)}\n"));
    }

    private static string RedactOverride(string assignment)
    {
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return assignment;
        }

        string key = assignment[..equals].TrimEnd();
        string last = key[(key.LastIndexOfAny(['.', ']']) + 1)..];
        return Keys.Contains(last, StringComparer.OrdinalIgnoreCase) ? key + "=" + Mask : assignment;
    }

    // Scalars under a username or password key, wherever they are; an anchored scalar is masked where it is defined.
    private static void Collect(YamlNode node, List<(int, int)> spans, HashSet<YamlNode> seen)
    {
        if (!seen.Add(node))
        {
            return;
        }

        switch (node)
        {
            case YamlMappingNode map:
                foreach ((YamlNode key, YamlNode value) in map.Children)
                {
                    if (key is YamlScalarNode { Value: { } name } && Keys.Contains(name, StringComparer.OrdinalIgnoreCase) && value is YamlScalarNode)
                    {
                        spans.Add(((int)value.Start.Index, (int)value.End.Index));
                    }

                    Collect(value, spans, seen);
                }

                break;
            case YamlSequenceNode list:
                foreach (YamlNode item in list.Children)
                {
                    Collect(item, spans, seen);
                }

                break;
        }
    }
}
