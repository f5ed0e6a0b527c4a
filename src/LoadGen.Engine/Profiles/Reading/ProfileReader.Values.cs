using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

// The value grammar every section shares: numbers, rates, durations, choices, QoS mixes, payload sizes, topic
// templates and broker addresses, each checked once, here.
internal sealed partial class ProfileReader
{
    private QosMix? Qos(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            int qos = (int)Number(node, path, 0, 2, whole: true);
            return QosMix.Only((MqttQualityOfService)qos);
        }

        if (node is not YamlMappingNode map)
        {
            Error(node, path, "expected 0, 1, 2, or weights such as { 0: 60, 1: 30, 2: 10 }");
            return null;
        }

        Dictionary<string, YamlNode> f = Fields(map, path, ["0", "1", "2"]);
        int Weight(string key) => f.TryGetValue(key, out YamlNode? v) ? (int)Number(v, $"{path}.{key}", 0, 1_000_000, whole: true) : 0;
        var mix = new QosMix(Weight("0"), Weight("1"), Weight("2"));
        if (mix.Total == 0)
        {
            Error(node, path, "the weights add up to 0; give at least one QoS a positive weight");
            return null;
        }

        return mix;
    }

    private PayloadSize Payload(YamlNode node, string path)
    {
        string? text = Text(node, path);
        if (text is null)
        {
            return default;
        }

        string[] range = text.Split('-', 2);
        if (int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int min) &&
            (range.Length == 1 || int.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            int max = range.Length == 1 ? min : int.Parse(range[1], CultureInfo.InvariantCulture);
            if (min <= max && max <= VariableByteInteger.MaxValue - 65_535)
            {
                return new PayloadSize(min, max);
            }
        }

        Error(node, path, $"\"{text}\" is not a size in bytes such as 100 or a range such as 64-256");
        return default;
    }

    private TopicTemplate? Template(YamlNode node, string path)
    {
        string? text = Text(node, path);
        if (text is null)
        {
            return null;
        }

        try
        {
            return TopicTemplate.Parse(text);
        }
        catch (FormatException ex)
        {
            Error(node, path, ex.Message);
            return null;
        }
    }

    private string Broker(YamlNode node)
    {
        string? text = Text(node, "broker");
        if (text is null || text == "embedded")
        {
            return "embedded";
        }

        if (!BrokerAddress.IsValidBroker(text, out string? problem))
        {
            Error(node, "broker", problem!);
        }

        return text;
    }

    private double Rate(YamlNode node, string path)
    {
        string? text = Text(node, path);
        string number = text?.EndsWith("/s", StringComparison.Ordinal) == true ? text[..^2] : text ?? "";
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate > 0 && double.IsFinite(rate))
        {
            return rate;
        }

        Error(node, path, $"\"{text}\" is not a positive rate per second such as 100 or 100/s");
        return 0;
    }

    private TimeSpan Duration(YamlNode node, string path)
    {
        string? text = Text(node, path);
        if (Durations.TryParse(text, out TimeSpan value))
        {
            return value;
        }

        Error(node, path, $"\"{text}\" is not {Durations.Allowed}");
        return TimeSpan.Zero;
    }

    private double Number(YamlNode node, string path, double min, double max, bool whole)
    {
        string? text = Text(node, path);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) &&
            value >= min && value <= max && (!whole || value == Math.Floor(value)))
        {
            return value;
        }

        Error(node, path, $"\"{text}\" is not {(whole ? "a whole number" : "a number")} from {min} to {max}");
        return min;
    }

    private bool Bool(YamlNode node, string path)
    {
        string? text = Text(node, path);
        if (text is "true" or "false")
        {
            return text == "true";
        }

        Error(node, path, $"\"{text}\" is not true or false");
        return false;
    }

    private string Choice(YamlNode node, string path, string[] allowed)
    {
        string? text = Text(node, path);
        if (text is not null && allowed.Contains(text))
        {
            return text;
        }

        Error(node, path, $"\"{text}\" is not allowed; allowed: {string.Join(", ", allowed)}");
        return allowed[0];
    }

    private string? Text(YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && scalar.Value is not null)
        {
            return scalar.Value;
        }

        Error(node, path, "expected a single value");
        return null;
    }

    private Dictionary<string, YamlNode> Fields(YamlMappingNode map, string path, string[] allowed)
    {
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach ((YamlNode key, YamlNode value) in map.Children)
        {
            string name = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(name))
            {
                Error(key, path == "(profile)" ? name : $"{path}.{name}", $"unknown field '{name}'; allowed: {string.Join(", ", allowed)}");
            }
            else if (!fields.TryAdd(name, value))
            {
                Error(key, path == "(profile)" ? name : $"{path}.{name}", $"'{name}' is given twice");
            }
        }

        return fields;
    }

    private YamlNode? Required(Dictionary<string, YamlNode> fields, YamlNode owner, string name, string? path = null)
    {
        if (fields.TryGetValue(name, out YamlNode? node))
        {
            return node;
        }

        Error(owner, path is null ? name : $"{path}.{name}", "is required");
        return null;
    }

    private void Error(YamlNode node, string field, string message) =>
        Errors.Add(new ProfileError(file, (int)node.Start.Line, (int)node.Start.Column, field, message));
}
