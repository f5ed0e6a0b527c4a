using System.Text;

namespace LoadGen.Engine.Tests.Profiles;

/// <summary>
/// Credential values are masked in the profile text a run keeps, whatever YAML form they take, while the credentials
/// themselves are read correctly.
/// </summary>
public class CredentialMaskingTests
{
    [Fact]
    public void EveryFormOfAValueIsMaskedAndStillRead()
    {
        const string yaml = """
            name: masks
            duration: 2s
            groups:
              - { name: a, role: publisher, sessions: 1, topic: t, username: "flow-user", password: "p,ss]w}d-flow" }
              - name: b
                role: publisher
                sessions: 1
                topic: t
                username: plain-user
                password: abc#123-plain
              - name: c
                role: publisher
                sessions: 1
                topic: t
                password: 'it''s-quoted'
              - name: d
                role: publisher
                sessions: 1
                topic: t
                password: |
                  block-secret
              - name: e
                role: publisher
                sessions: 1
                topic: t
                password: &pw anchored-secret
              - name: f
                role: publisher
                sessions: 1
                topic: t
                password: *pw
              - name: g
                role: publisher
                sessions: 1
                topic: t
                password: file-password
            """;
        LoadProfile profile = ProfileLoader.Parse(yaml, "masks.yaml", ["groups.g.password=set#secret", "groups.g.sessions=2"]);

        Dictionary<string, string?> passwords = profile.Groups.ToDictionary(g => g.Name, g => g.Credentials?.Password is { } p ? Encoding.UTF8.GetString(p) : null);
        Assert.Equal("p,ss]w}d-flow", passwords["a"]);
        Assert.Equal("abc#123-plain", passwords["b"]);
        Assert.Equal("it's-quoted", passwords["c"]);
        Assert.Equal("block-secret\n", passwords["d"]);
        Assert.Equal("anchored-secret", passwords["e"]);
        Assert.Equal("anchored-secret", passwords["f"]);
        Assert.Equal("set#secret", passwords["g"]);
        Assert.Equal("flow-user", profile.Groups[0].Credentials!.UserName);

        foreach (string secret in new[] { "flow-user", "p,ss]w}d", "w}d-flow", "plain-user", "123-plain", "s-quoted", "block-secret", "anchored-secret", "file-password", "set#secret", "#secret" })
        {
            Assert.DoesNotContain(secret, profile.Text, StringComparison.Ordinal);
        }

        // What is not a credential is kept as written, overrides included.
        Assert.Contains("# --set groups.g.sessions=2", profile.Text, StringComparison.Ordinal);
        Assert.Contains("# --set groups.g.password=" + Credentials.Mask, profile.Text, StringComparison.Ordinal);
        Assert.Contains("name: masks", profile.Text, StringComparison.Ordinal);
        // A group printed (a log line, a debugger) does not show them either.
        Assert.DoesNotContain("flow-user", profile.Groups[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("(hidden)", profile.Groups[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReferencesStayAsTheyAre()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "from-a-file\n");
        Environment.SetEnvironmentVariable("LOADGEN_TEST_MASK_PW", "from-the-environment");
        LoadProfile profile = ProfileLoader.Parse($$"""
            name: refs
            duration: 2s
            groups:
              - { name: a, role: publisher, sessions: 1, topic: t, password: { env: LOADGEN_TEST_MASK_PW } }
              - { name: b, role: publisher, sessions: 1, topic: t, password: { file: {{file}} } }
            """, "refs.yaml");
        File.Delete(file);

        Assert.Equal("from-the-environment", Encoding.UTF8.GetString(profile.Groups[0].Credentials!.Password!));
        Assert.Equal("from-a-file", Encoding.UTF8.GetString(profile.Groups[1].Credentials!.Password!));
        Assert.Contains("{ env: LOADGEN_TEST_MASK_PW }", profile.Text, StringComparison.Ordinal);
        Assert.Contains($"{{ file: {file} }}", profile.Text, StringComparison.Ordinal);
    }
}
