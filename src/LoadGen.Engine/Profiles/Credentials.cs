using System.Text.RegularExpressions;

namespace LoadGen.Engine;

/// <summary>
/// A group's MQTT user name and password, resolved when the profile is loaded (from the profile itself, an
/// environment variable or a file). Never printed: <see cref="ToString"/> hides both, and the profile text kept in
/// results has their values masked (<see cref="Redact"/>).
/// </summary>
/// <param name="UserName">The CONNECT user name, if any.</param>
/// <param name="Password">The CONNECT password, if any.</param>
public sealed partial record Credentials(string? UserName, byte[]? Password)
{
    /// <summary>What replaces a credential's value in text that is kept.</summary>
    public const string Mask = "\"***\"";

    /// <inheritdoc/>
    public override string ToString() => "Credentials { (hidden) }";

    /// <summary>
    /// Masks the values of <c>username</c> and <c>password</c> in profile text (YAML keys, flow mappings and
    /// <c>--set</c> lines). References stay: <c>password: { env: NAME }</c> and <c>{ file: PATH }</c> name where the
    /// secret is, not the secret.
    /// </summary>
    public static string Redact(string text) => Secret().Replace(text, m => m.Groups["key"].Value + Mask);

    [GeneratedRegex("""(?<key>\b(?:username|password)["']?\s*[:=]\s*)(?<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,{}\[\]#][^,}\]\r\n#]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex Secret();
}
