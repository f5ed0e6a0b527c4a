using System.Globalization;
using LoadGen.Protocol;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Engine;

// Secrets: a password given in the profile, from the environment or from a file.
internal sealed partial class ProfileReader
{
    // A password in the profile ("secret"), from the environment ({ env: NAME }) or from a file ({ file: PATH },
    // without its trailing newline). Errors name where it was looked for, never what was found.
    private byte[]? Password(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } literal })
        {
            return System.Text.Encoding.UTF8.GetBytes(literal);
        }

        if (node is not YamlMappingNode map)
        {
            Error(node, path, "expected a password, { env: VARIABLE } or { file: PATH }");
            return null;
        }

        Dictionary<string, YamlNode> f = Fields(map, path, ["env", "file"]);
        if (f.Count != 1)
        {
            Error(node, path, "expected exactly one of { env: VARIABLE } or { file: PATH }");
            return null;
        }

        if (f.TryGetValue("env", out YamlNode? env) && Text(env, $"{path}.env") is { } variable)
        {
            if (Environment.GetEnvironmentVariable(variable) is { } value)
            {
                return System.Text.Encoding.UTF8.GetBytes(value);
            }

            Error(env, $"{path}.env", $"the environment variable {variable} is not set; allowed: the name of a set variable");
            return null;
        }

        if (f.TryGetValue("file", out YamlNode? fileNode) && Text(fileNode, $"{path}.file") is { } secretFile)
        {
            try
            {
                return System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(secretFile).TrimEnd('\r', '\n'));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Error(fileNode, $"{path}.file", $"cannot read {secretFile} ({ex.GetType().Name}); allowed: a readable file holding the password");
            }
        }

        return null;
    }
}
