using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

/// <summary>
/// <c>--set key=value</c>: changes a profile's YAML before it is checked, so an override is checked like the file.
/// Keys are dotted paths such as <c>duration</c>, <c>groups.devices.sessions</c> (a group by name) or
/// <c>groups[0].stages[1].inject.rate</c>; values are YAML, so <c>qos={0: 1, 1: 1}</c> works too.
/// </summary>
internal static class ProfileOverrides
{
    public static List<ProfileError> Apply(YamlMappingNode root, IReadOnlyList<string> overrides)
    {
        var errors = new List<ProfileError>();
        foreach (string text in overrides)
        {
            int equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.Add(new ProfileError("--set", 0, 0, text, "expected key=value, for example groups.devices.sessions=500 or duration=30s"));
                continue;
            }

            string key = text[..equals].Trim();
            string? problem = Set(root, key, Value(text[(equals + 1)..]));
            if (problem is not null)
            {
                errors.Add(new ProfileError("--set", 0, 0, key, problem));
            }
        }

        return errors;
    }

    private static YamlNode Value(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 0)
            {
                return stream.Documents[0].RootNode;
            }
        }
        catch (YamlException)
        {
            // Not YAML: the text itself is the value.
        }

        return new YamlScalarNode(text);
    }

    private static string? Set(YamlMappingNode root, string key, YamlNode value)
    {
        string[] segments = key.Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal)
            .Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return "the key is empty";
        }

        YamlNode current = root;
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            bool last = i == segments.Length - 1;
            string at = string.Join('.', segments[..i]);
            switch (current)
            {
                case YamlMappingNode map:
                    var name = new YamlScalarNode(segment);
                    if (last)
                    {
                        map.Children[name] = value;
                        return null;
                    }

                    if (!map.Children.TryGetValue(name, out YamlNode? child))
                    {
                        child = new YamlMappingNode();
                        map.Children[name] = child;
                    }

                    current = child;
                    break;
                case YamlSequenceNode list:
                    int index = Find(list, segment);
                    if (index < 0)
                    {
                        string names = string.Join(", ", list.Children.OfType<YamlMappingNode>()
                            .Select(m => m.Children.TryGetValue(new YamlScalarNode("name"), out YamlNode? n) ? n.ToString() : null)
                            .Where(n => n is not null));
                        return $"{at} has no item \"{segment}\"; allowed: an index 0 to {list.Children.Count - 1}{(names.Length > 0 ? $" or a name ({names})" : "")}";
                    }

                    if (last)
                    {
                        list.Children[index] = value;
                        return null;
                    }

                    current = list.Children[index];
                    break;
                default:
                    return $"{at} is a single value, so it has no field \"{segment}\"";
            }
        }

        return null;
    }

    private static int Find(YamlSequenceNode list, string segment)
    {
        if (int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
        {
            return index < list.Children.Count ? index : -1;
        }

        for (int i = 0; i < list.Children.Count; i++)
        {
            if (list.Children[i] is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("name"), out YamlNode? n) &&
                n is YamlScalarNode { Value: { } v } && v == segment)
            {
                return i;
            }
        }

        return -1;
    }
}
