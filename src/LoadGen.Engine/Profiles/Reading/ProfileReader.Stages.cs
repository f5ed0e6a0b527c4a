using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

// stages: [ { inject: { rate: 100, during: 30s } }, ... ], read through the one table of kinds, StageKinds.
internal sealed partial class ProfileReader
{
    private IReadOnlyList<Stage> Stages(YamlNode node, string path)
    {
        var stages = new List<Stage>();
        if (node is not YamlSequenceNode list)
        {
            Error(node, path, "expected a list of stages such as [{ inject: { rate: 100, during: 30s } }]");
            return stages;
        }

        string[] kinds = StageKinds.All.Select(k => k.Name).ToArray();
        for (int i = 0; i < list.Children.Count; i++)
        {
            string at = $"{path}[{i}]";
            if (list.Children[i] is not YamlMappingNode one || one.Children.Count != 1)
            {
                Error(list.Children[i], at, $"expected one of {string.Join(", ", kinds)} with its settings");
                continue;
            }

            (YamlNode key, YamlNode value) = one.Children.First();
            if (StageKinds.Named((key as YamlScalarNode)?.Value) is not { } kind)
            {
                Choice(key, at, kinds); // reports the error with the allowed kinds
                continue;
            }

            string where = $"{at}.{kind.Name}";
            if (value is not YamlMappingNode settings)
            {
                Error(value, where, $"expected settings such as {{ {(kind.TargetKey is { } k ? $"{k}: 100, " : "")}during: 30s }}");
                continue;
            }

            string[] allowed = kind.TargetKey is { } targetKey ? [targetKey, "during"] : ["during"];
            Dictionary<string, YamlNode> s = Fields(settings, where, allowed);
            TimeSpan during = Required(s, settings, "during", where) is { } d ? Duration(d, $"{where}.during") : TimeSpan.Zero;
            double target = kind.TargetKey is not { } name || Required(s, settings, name, where) is not { } t ? 0
                : kind.Model == StageModel.Open ? Rate(t, $"{where}.{name}")
                : Number(t, $"{where}.{name}", 0, 1_000_000, whole: true);
            stages.Add(kind.Build(target, during));
        }

        return stages;
    }
}
