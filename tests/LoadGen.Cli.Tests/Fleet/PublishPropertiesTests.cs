using System.Text.Json;
using LoadGen.Cli.Tests.Verdicts;

namespace LoadGen.Cli.Tests.Fleet;

/// <summary>
/// MQTT 5.0 publish properties, topic aliases and payload templates through the CLI against mosquitto: the templated
/// JSON payload keeps the audit and end-to-end latency (the stamp travels in a user property), aliases make a message
/// smaller on the wire, and 3.1.1 templates say they are outside the audit. Misplaced fields are refused.
/// </summary>
public class PublishPropertiesTests
{
    private static string[] Args(MosquittoBroker broker, params string[] more) =>
    [
        "run", Path.Combine(Repository.Root, "profiles", "telemetry-v5.yaml"), "--broker", $"mqtt://127.0.0.1:{broker.Port}",
        "--duration", "6s", "--set", "warmup=0s", "--set", "groups.devices.sessions=20",
        "--set", "groups.devices.stages[0].inject.rate=200/s", "--set", "groups.devices.stages[0].inject.during=3s", .. more,
    ];

    [Fact]
    public async Task TemplatedPayloadsWithPropertiesAndAliasesAreAuditedAndAliasesSaveBytes()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();

        VerdictRun aliased = VerdictRun.Of(Args(broker));
        VerdictRun named = VerdictRun.Of(Args(broker, "--set", "groups.devices.topic_alias=false"));

        foreach (VerdictRun run in new[] { aliased, named })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            long sent = run.Counter("sent");
            Assert.InRange(sent, 500, 700);
            // Every message reached the backend, audited by the stamp in the user property: nothing lost, nothing doubled.
            Assert.Equal(sent, run.Counter("received"));
            Assert.Equal(0, run.Counter("unstamped"));
            JsonElement audit = run.Result.GetProperty("audit").EnumerateArray().Single(a => a.GetProperty("qos").GetInt32() == 1);
            Assert.Equal(sent, audit.GetProperty("received").GetInt64());
            Assert.Equal(0, audit.GetProperty("lost").GetInt64());
            Assert.True(run.Result.GetProperty("service").GetProperty("e2e").GetProperty("count").GetInt64() >= sent, run.ToString());
        }

        // Aliases belong to a connection: each of the 20 devices maps its topic with its first message and sends the
        // alias alone after that (mosquitto allows 10 per connection; one is needed).
        Assert.Equal(aliased.Counter("sent") - 20, aliased.Counter("aliased_publishes"));
        Assert.Equal(0, named.Counter("aliased_publishes"));
        double perMessageAliased = (double)aliased.Counter("publish_bytes") / aliased.Counter("sent");
        double perMessageNamed = (double)named.Counter("publish_bytes") / named.Counter("sent");
        // An alias-only message drops the 31- or 32-byte topic and adds a 3-byte alias property.
        Assert.InRange(perMessageNamed - perMessageAliased, 26, 30);
    }

    [Fact]
    public void TemplatedPayloadsAndAliasesWorkOnTheEmbeddedBroker()
    {
        VerdictRun run = VerdictRun.Of("run", Path.Combine(Repository.Root, "profiles", "telemetry-v5.yaml"), "--duration", "6s",
            "--set", "warmup=0s", "--set", "groups.devices.sessions=20", "--set", "groups.devices.stages[0].inject.rate=200/s",
            "--set", "groups.devices.stages[0].inject.during=3s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(run.Counter("sent"), run.Counter("received"));
        Assert.Equal(run.Counter("sent") - 20, run.Counter("aliased_publishes"));
    }

    [Fact]
    public async Task RecordedPayloadsFromAFileAreCycledAndAudited()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        string folder = Path.Combine(Path.GetTempPath(), $"loadgen-file-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "samples.jsonl"), ["{\"t\":21.5}", "{\"t\":21.7,\"h\":40}", "{\"t\":22.0,\"h\":41,\"ok\":true}"]);
        File.WriteAllText(Path.Combine(folder, "p.yaml"), """
            name: recorded
            duration: 6s
            groups:
              - name: backend
                role: subscriber
                protocol: "5.0"
                sessions: 1
                subscriptions: [ { filter: "r/#", qos: 1 } ]
              - name: devices
                role: publisher
                protocol: "5.0"
                sessions: 5
                topic: "r/%i"
                qos: 1
                payload: { file: samples.jsonl }
                payload_format: utf8
                stages: [ { inject: { rate: 100/s, during: 3s } } ]
            """);
        VerdictRun run = VerdictRun.Of("run", Path.Combine(folder, "p.yaml"), "--broker", $"mqtt://127.0.0.1:{broker.Port}");

        Assert.True(run.ExitCode == 0, run.ToString());
        long sent = run.Counter("sent");
        Assert.True(sent > 250, run.ToString());
        Assert.Equal(sent, run.Counter("received"));
        Assert.Equal(0, run.Counter("unstamped"));
        // The payloads average 20 bytes; with the 3-byte topic, packet identifier, payload format and the 50-byte stamp
        // property, a PUBLISH is about 83 bytes.
        Assert.InRange((double)run.Counter("publish_bytes") / sent, 75, 90);
    }

    [Fact]
    public void AMessageExpiryNoLongerThanAnOfflineSpellIsRefused()
    {
        (int exit, string output, string error) = LoadgenProcess.Check("""
            name: expiry
            duration: 20s
            groups:
              - name: backend
                role: subscriber
                protocol: "5.0"
                sessions: 2
                clean_start: false
                session_expiry: 60s
                offline: { sessions: 50%, at: 2s, for: 10s }
                subscriptions: [ { filter: "e/#", qos: 1 } ]
              - name: devices
                role: publisher
                protocol: "5.0"
                sessions: 1
                topic: "e/%i"
                message_expiry: 10s
            """);

        Assert.True(exit == 2, output + error);
        Assert.Contains("groups[1].message_expiry: 10 s is no longer than group backend's 10 s offline", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ASmallPayloadWithFiveZeroPropertiesIsSent()
    {
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-small-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, """
            name: small
            duration: 4s
            groups:
              - name: devices
                role: publisher
                protocol: "5.0"
                sessions: 2
                topic: "s/%i"
                qos: 1
                payload: 8
                message_expiry: 10s
                stages: [ { inject: { rate: 50/s, during: 2s } } ]
            """);
        VerdictRun run = VerdictRun.Of("run", profile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Counter("acknowledged") >= 90, run.ToString());
        Assert.Equal(run.Counter("sent"), run.Counter("unstamped"));
    }

    [Fact]
    public void TheFiveZeroProfileMovedToThreeOneOneIsRefusedFieldByField()
    {
        (int exit, string output, string error) = LoadgenProcess.Run("run", Path.Combine(Repository.Root, "profiles", "telemetry-v5.yaml"),
            "--set", "groups.devices.protocol=3.1.1", "--set", "groups.backend.protocol=3.1.1");

        Assert.True(exit == 2, output + error);
        foreach (string field in new[] { "topic_alias", "message_expiry", "content_type", "payload_format", "user_properties" })
        {
            Assert.Contains($"groups[1].{field}: is an MQTT 5.0 property", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"id\":\"%c\",\"seq\":%seq,\"ts\":%ts,\"s\":\"%[on|once]\"}", true)]
    [InlineData("{\"id\":\"%c\",\"seq\":%seq}", false)]
    public async Task AThreeOneOneTemplateIsAuditedWhenItCarriesSeqAndTsAndSaysSoWhenNot(string template, bool audited)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-template-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, $$"""
            name: template-311
            duration: 6s
            groups:
              - name: backend
                role: subscriber
                sessions: 1
                subscriptions: [ { filter: "t/#", qos: 1 } ]
              - name: devices
                role: publisher
                sessions: 5
                topic: "t/%i"
                qos: 1
                payload: { template: '{{template}}' }
                stages: [ { inject: { rate: 100/s, during: 3s } } ]
            """);
        VerdictRun run = VerdictRun.Of("run", profile, "--broker", $"mqtt://127.0.0.1:{broker.Port}");

        Assert.True(run.ExitCode == 0, run.ToString());
        long sent = run.Counter("sent");
        Assert.True(sent > 200, run.ToString());
        Assert.Equal(sent, run.Counter("received"));
        Assert.Equal(0, run.Counter("duplicates"));
        Assert.Equal(0, run.Counter("out_of_order"));
        JsonElement audit = run.Result.GetProperty("audit").EnumerateArray().Single(a => a.GetProperty("qos").GetInt32() == 1);
        if (audited)
        {
            // Read back from the payload: every message audited, end to end timed from %ts (whole milliseconds).
            Assert.Equal(0, run.Counter("unstamped"));
            Assert.Equal(sent, audit.GetProperty("received").GetInt64());
            Assert.Equal(sent, run.Result.GetProperty("service").GetProperty("e2e").GetProperty("count").GetInt64());
        }
        else
        {
            // No %ts: nothing to read back. No text is mistaken for a stamp, and the verdict says why.
            Assert.Equal(sent, run.Counter("unstamped"));
            Assert.Equal(0, audit.GetProperty("received").GetInt64());
            Assert.Contains($"{sent} messages carried no stamp (group devices: a 3.1.1 payload file has no room for one, and a 3.1.1 template is read back only with %seq and %ts",
                audit.GetProperty("verdict").GetString()!, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("    protocol: \"3.1.1\"\n    topic_alias: true\n", "groups[0].topic_alias: is an MQTT 5.0 property")]
    [InlineData("    protocol: \"5.0\"\n    payload_format: utf8\n", "groups[0].payload_format: utf8 says the payload is UTF-8 text")]
    [InlineData("    protocol: \"5.0\"\n    message_expiry: 0s\n", "groups[0].message_expiry: the Message Expiry Interval counts whole seconds")]
    [InlineData("    protocol: \"5.0\"\n    user_properties: { loadgen-stamp: x }\n", "is the name LoadGen's own stamp travels under")]
    [InlineData("    payload: { template: '%q' }\n", "groups[0].payload.template: unknown placeholder '%q'")]
    [InlineData("    protocol: \"5.0\"\n    content_type: \"a\\0b\"\n", "groups[0].content_type: an MQTT string: at most 65,535 bytes, without U+0000")]
    [InlineData("    payload: { file: no-such-file.jsonl }\n", "groups[0].payload.file: \"no-such-file.jsonl\" does not exist")]
    public void AMisplacedPropertyOrTemplateIsRefusedNamingTheField(string fields, string expected)
    {
        (int exit, string output, string error) = LoadgenProcess.Check("name: props\nduration: 5s\ngroups:\n  - name: g\n    role: publisher\n    sessions: 1\n    topic: a\n" + fields);

        Assert.True(exit == 2, output + error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}

/// <summary><c>pub -m</c>: emqtt-bench's message flag, as a payload template.</summary>
public class PubMessageFlagTests
{
    [Theory]
    [InlineData(5, 0)]
    [InlineData(4, 100)]
    public async Task PubSendsTheTemplateAndStampsItWhereTheProtocolAllows(int version, int unstamped)
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        VerdictRun run = VerdictRun.Of("pub", "--broker", $"mqtt://127.0.0.1:{broker.Port}", "-c", "5", "-q", "1", "-I", "20", "-L", "20",
            "-V", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "m/%i", "-m", "{\"id\":\"%c\",\"seq\":%seq,\"v\":%rand_10}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(100, run.Counter("sent"));
        Assert.Equal(100, run.Counter("acknowledged"));
        Assert.Equal(unstamped, run.Counter("unstamped"));
    }

    [Fact]
    public void ATemplateAndASizeTogetherAreRefused()
    {
        (int exit, string output, string error) = LoadgenProcess.Run("pub", "-c", "1", "-t", "a", "-s", "100", "-m", "x", "--broker", "mqtt://127.0.0.1:1");

        Assert.True(exit == 2, output + error);
        Assert.Contains("-m: a template sets the payload, so -s has nothing to size", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadTemplateIsRefusedNamingTheFlag()
    {
        (int exit, string output, string error) = LoadgenProcess.Run("pub", "-c", "1", "-t", "a", "-m", "%nope", "--broker", "mqtt://127.0.0.1:1");

        Assert.True(exit == 2, output + error);
        Assert.Contains("-m: unknown placeholder '%n'", error, StringComparison.Ordinal);
    }
}
