using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

/// <summary>
/// Reads a YAML profile into a <see cref="LoadProfile"/>. It checks everything before a run starts and reports every
/// problem at once, each with the file, line, field and what is allowed, so a bad profile costs one edit, not one
/// failed run per mistake.
/// </summary>
public static class ProfileLoader
{
    /// <summary>
    /// Loads and checks a profile file, after applying <paramref name="overrides"/> (<c>key=value</c>, see
    /// <c>--set</c>). Throws <see cref="ProfileException"/> listing every problem.
    /// </summary>
    public static LoadProfile Load(string path, IReadOnlyList<string>? overrides = null)
    {
        if (!File.Exists(path))
        {
            throw new ProfileException([new ProfileError(path, 0, 0, "(file)", "no such profile file")]);
        }

        return Parse(File.ReadAllText(path), path, overrides);
    }

    /// <summary>Parses and checks profile text; <paramref name="file"/> names it in errors.</summary>
    public static LoadProfile Parse(string yaml, string file, IReadOnlyList<string>? overrides = null)
    {
        var reader = new ProfileReader(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ProfileException([new ProfileError(file, (int)ex.Start.Line, (int)ex.Start.Column, "(yaml)", ex.InnerException?.Message ?? ex.Message)]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up on some malformed input (an unclosed flow mapping followed by more keys)
            // with no position; find the first line that does not parse on its own, so the message still points there.
            (int line, string why) = FirstBadLine(yaml);
            throw new ProfileException([new ProfileError(file, line, 1, "(yaml)", why)]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ProfileException([new ProfileError(file, 1, 1, "(profile)", "expected a mapping with name, broker, duration and groups")]);
        }

        // Found on the tree as read, before an override replaces a node: the text keeps the file's values too.
        string kept = Credentials.Redact(yaml, root, overrides ?? []);
        if (overrides is { Count: > 0 })
        {
            List<ProfileError> overrideErrors = ProfileOverrides.Apply(root, overrides);
            if (overrideErrors.Count > 0)
            {
                throw new ProfileException(overrideErrors);
            }
        }

        LoadProfile? profile = reader.Profile(root);
        if (reader.Errors.Count > 0 || profile is null)
        {
            throw new ProfileException(reader.Errors);
        }

        // The text as run: the file, then the overrides, so a report shows exactly what was measured.
        // The text as run, the overrides listed after it, credentials masked: it goes into result.json and the report.
        return profile with { SourceFile = file, Text = kept, Overrides = overrides?.ToList() ?? [] };
    }

    // The shortest prefix of lines that no longer parses ends at the culprit; an unclosed bracket is the usual one.
    private static (int Line, string Why) FirstBadLine(string yaml)
    {
        string[] lines = yaml.Split('\n');
        for (int n = 1; n <= lines.Length; n++)
        {
            try
            {
                new YamlStream().Load(new StringReader(string.Join('\n', lines.Take(n))));
            }
            catch (Exception ex) when (ex is YamlException or InvalidOperationException)
            {
                for (int open = n; open >= 1; open--)
                {
                    string text = lines[open - 1];
                    if (text.Count(ch => ch is '{' or '[') > text.Count(ch => ch is '}' or ']'))
                    {
                        return (open, $"malformed YAML: a flow collection opened on line {open} is not closed (a '{{' or '[' without its '}}' or ']')");
                    }
                }

                return (n, ex is YamlException y ? y.InnerException?.Message ?? y.Message : "malformed YAML");
            }
        }

        return (1, "malformed YAML");
    }

    /// <summary>Parses one SLO threshold, such as <c>p99(qos1) &lt; 50ms</c>.</summary>
    /// <exception cref="ProfileException">The text is not a threshold.</exception>
    public static SloThreshold ParseSlo(string text)
    {
        var reader = new ProfileReader("slo");
        SloThreshold? slo = reader.Slo(new YamlScalarNode(text), "slo");
        return slo ?? throw new ProfileException(reader.Errors);
    }
}
