namespace LoadGen.Cli.Tests.Verdicts;

/// <summary>Bad usage and bad input: exit 2 with one line that names what is wrong, never a stack trace or the whole help.</summary>
public class BadInputTests
{
    [Theory]
    [InlineData("pub -c abc -t x", "loadgen pub: Cannot parse argument 'abc' for option '-c'")]
    [InlineData("", "loadgen: Required command was not provided.")]
    [InlineData("pub --bogus -t x", "loadgen pub: Unrecognized command or argument '--bogus'.")]
    [InlineData("pub -t bench/#", "-t: \"bench/#\" has a wildcard (+ or #), which only subscriptions may use")]
    [InlineData("pub -t +", "-t: \"+\" has a wildcard")]
    [InlineData("pub -t x -L -1", "-L: -1 is out of range; allowed: 0 (until --duration) or more messages per session")]
    [InlineData("pub -t x -s 8", "-s: 8 is out of range; allowed: 16 bytes")]
    [InlineData("pub -t x -k 70000", "-k: 70000 is out of range; allowed: 0 to 65,535 seconds")]
    [InlineData("pub -t x -q 3", "-q: 3 is out of range; allowed: 0, 1 or 2")]
    [InlineData("pub -t x -F 0", "-F: 0 is out of range")]
    [InlineData("pub -t x --duration 0s", "--duration: \"0s\" is not a duration such as 500us, 20ms, 30s, 2m or 1h, above zero")]
    public void BadUsageExitsWith2AndOneLineNamingTheMistake(string args, string message)
    {
        (int exit, string output, string error) = LoadgenProcess.Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(exit == 2, $"exit {exit}\n{output}\n{error}");
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Description:", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyPublisherTopicIsRefused()
    {
        (int exit, _, string error) = LoadgenProcess.Run("pub", "-t", "");
        Assert.True(exit == 2, error);
        Assert.Contains("-t: an empty topic", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: { b: 1\nc: 2\n", ":1:1: (yaml): malformed YAML: a flow collection opened on line 1 is not closed")]
    [InlineData("name: x\n  bad: indentation\n", ":2:")]
    [InlineData("name: [unclosed\n", ":2:1: (yaml): While parsing a flow sequence")]
    public void MalformedYamlIsOneLineNamingTheFileLineAndColumn(string yaml, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"loadgen-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        (int exit, _, string error) = LoadgenProcess.Run("run", path);

        Assert.True(exit == 2, error);
        Assert.Contains(path + message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("    protocol: \"5.0\"\n    on_ack_timeout: resend\n", "groups[0].on_ack_timeout: MQTT 5.0 resends only on reconnect")]
    [InlineData("    payload: 2000\n  - { name: s, role: subscriber, sessions: 1, max_packet_size: 1024, subscriptions: [ { filter: \"t/#\", qos: 1 } ] }\n",
        "groups[1].max_packet_size: 1024 bytes is less than the")]
    public void AProfileThatWouldBlameTheBrokerForItsOwnLimitsIsRefused(string extra, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"loadgen-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "name: p\nduration: 5s\ngroups:\n  - name: g\n    role: publisher\n    sessions: 1\n    topic: t/1\n" + extra);
        (int exit, _, string error) = LoadgenProcess.Run("run", path);

        Assert.True(exit == 2, error);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailureInsideTheEngineStillWritesAPartialResultWithItsMessage()
    {
        // The interval log cannot be created (a folder stands where the file goes): the engine fails before its
        // first session, and the run still leaves its result, marked partial, with the exception's message.
        string output = Path.Combine(Path.GetTempPath(), $"loadgen-fail-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(output, "run", "latency.hlog"));
        string profile = Path.Combine(Path.GetTempPath(), $"loadgen-fail-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(profile, "name: fails\nduration: 3s\ngroups:\n  - { name: g, role: publisher, sessions: 1, topic: t, stages: [ { inject: { rate: 10/s, during: 1s } } ] }\n");

        (int exit, string stdout, string error) = LoadgenProcess.Run("run", profile, "--out", output, "--name", "run");

        Assert.True(exit == 1, stdout + error);
        Assert.Contains("loadgen: the run failed: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        string json = File.ReadAllText(Path.Combine(output, "run", "result.json"));
        Assert.Contains("\"partial\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"partial_reason\": \"engine failure: ", json, StringComparison.Ordinal);
        Assert.Contains("FAIL complete: the run was cut short: engine failure: ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AMergeWithAShardMissingIsRefused()
    {
        string parent = Path.Combine(Path.GetTempPath(), $"loadgen-merge-{Guid.NewGuid():N}");
        foreach (string shard in new[] { "0/3", "2/3" })
        {
            string folder = Directory.CreateDirectory(Path.Combine(parent, shard.Replace('/', '-'))).FullName;
            File.WriteAllText(Path.Combine(folder, "result.json"), $$"""
                { "profile": "p", "broker": "embedded", "started_utc": "2026-12-01T10:00:00Z", "seconds": 10, "sessions_planned": 1, "shard": "{{shard}}",
                  "counters": { "sent": 5 }, "resends": {}, "errors": {}, "service": {}, "response": {}, "slos": [] }
                """);
            File.WriteAllText(Path.Combine(folder, "latency.hlog"), "");
        }

        (int exit, _, string error) = LoadgenProcess.Run("merge", parent, "--out", Path.Combine(parent, "merged"));
        Assert.True(exit == 2, error);
        Assert.Contains("shard 1/3 of the run is missing", error, StringComparison.Ordinal);

        // Forced, it is a merge of part of the run: partial, and the complete rule fails it.
        (exit, string output, error) = LoadgenProcess.Run("merge", parent, "--out", Path.Combine(parent, "merged"), "--force");
        Assert.True(exit == 1, error + output);
        string json = File.ReadAllText(Path.Combine(parent, "merged", "result.json"));
        Assert.Contains("\"partial\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"partial_reason\": \"shard 1/3 of the run is missing\"", json, StringComparison.Ordinal);
        Assert.Contains("FAIL complete:", output, StringComparison.Ordinal);

        // A merge that may go on without dead workers' shards is still held to every other check.
        File.WriteAllText(Path.Combine(parent, "2-3", "result.json"), File.ReadAllText(Path.Combine(parent, "2-3", "result.json"))
            .Replace("\"profile\": \"p\",", "\"profile\": \"p\", \"profile_text\": \"other\",", StringComparison.Ordinal));
        var ex = Assert.Throws<ArgumentException>(() => LoadGen.Engine.ShardMerge.Merge([Path.Combine(parent, "0-3"), Path.Combine(parent, "2-3")], missing: "1 of 3 workers left no result"));
        Assert.Contains("they ran different profiles", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMergeOfRunsThatAreNotShardsOfOneRunIsRefusedUnlessForced()
    {
        string parent = Path.Combine(Path.GetTempPath(), $"loadgen-merge-{Guid.NewGuid():N}");
        foreach ((string name, string started) in new[] { ("a", "2026-12-01T10:00:00Z"), ("b", "2026-12-01T11:00:00Z") })
        {
            string folder = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
            File.WriteAllText(Path.Combine(folder, "result.json"), $$"""
                { "profile": "p", "broker": "embedded", "started_utc": "{{started}}", "seconds": 10, "sessions_planned": 1,
                  "counters": { "sent": 5, "sent_qos0": 5 }, "resends": {}, "errors": {}, "service": {}, "response": {}, "slos": [] }
                """);
            File.WriteAllText(Path.Combine(folder, "latency.hlog"), "");
        }

        (int exit, _, string error) = LoadgenProcess.Run("merge", parent, "--out", Path.Combine(parent, "merged"));
        Assert.True(exit == 2, error);
        Assert.Contains("these are not shards of one run: a is a whole run, not a shard", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(parent, "merged")));

        (exit, string output, error) = LoadgenProcess.Run("merge", parent, "--out", Path.Combine(parent, "merged"), "--force");
        Assert.True(exit is 0 or 1, error);
        Assert.Contains("merged although a is a whole run", error, StringComparison.Ordinal);
        string json = File.ReadAllText(Path.Combine(parent, "merged", "result.json"));
        Assert.Contains("\"merge_forced\": \"a is a whole run, not a shard", json, StringComparison.Ordinal);
        Assert.Contains("FORCED with --force", output, StringComparison.Ordinal);
    }
}
