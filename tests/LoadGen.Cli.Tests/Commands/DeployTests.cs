using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace LoadGen.Cli.Tests;

/// <summary>
/// The Kubernetes manifests, the Dockerfile and the tool package. No cluster and no container engine run here, so the
/// manifests are checked for structure and agreement, and then the Jobs' own arguments are run on this machine the
/// way the pods would run them: N shard processes from one start time, then the merge step.
/// </summary>
public class DeployTests
{
    private static readonly string Repo = FindRepo();

    [Fact]
    public void TheShardJobIsAnIndexedJobWhoseShardCountAgreesEverywhere()
    {
        YamlMappingNode job = Load("deploy/k8s/shards-job.yaml");
        Assert.Equal("batch/v1", Scalar(job, "apiVersion"));
        Assert.Equal("Job", Scalar(job, "kind"));
        YamlMappingNode spec = Map(job, "spec");
        Assert.Equal("Indexed", Scalar(spec, "completionMode"));
        int completions = int.Parse(Scalar(spec, "completions"), CultureInfo.InvariantCulture);
        Assert.Equal(completions, int.Parse(Scalar(spec, "parallelism"), CultureInfo.InvariantCulture));
        YamlMappingNode pod = Map(Map(spec, "template"), "spec");
        Assert.Equal("Never", Scalar(pod, "restartPolicy"));

        YamlMappingNode container = Assert.IsType<YamlMappingNode>(Assert.Single(Seq(pod, "containers").Children));
        List<string> args = Seq(container, "args").Children.Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.Equal("run", args[0]);
        Assert.Equal($"$(JOB_COMPLETION_INDEX)/{completions}", After(args, "--shard"));
        Assert.Equal("$(START_AT)", After(args, "--start-at"));
        Assert.Equal("shard-$(JOB_COMPLETION_INDEX)", After(args, "--name"));

        // Every $(VAR) in the arguments is declared in the container's environment.
        HashSet<string> env = Seq(container, "env").Children.Cast<YamlMappingNode>().Select(e => Scalar(e, "name")).ToHashSet();
        foreach (Match m in Regex.Matches(string.Join(' ', args), @"\$\(([A-Z_]+)\)"))
        {
            Assert.Contains(m.Groups[1].Value, env);
        }

        // The profile and the results come from mounted volumes, and the volumes are the ones the other manifests name.
        Dictionary<string, string> mounts = Seq(container, "volumeMounts").Children.Cast<YamlMappingNode>().ToDictionary(v => Scalar(v, "mountPath"), v => Scalar(v, "name"));
        Assert.Contains(mounts.Keys, p => args[1].StartsWith(p + "/", StringComparison.Ordinal));
        Assert.Contains(mounts.Keys, p => After(args, "--out").StartsWith(p + "/", StringComparison.Ordinal));
        string claim = Claim(pod);
        Assert.Equal(Scalar(Map(Load("deploy/k8s/pvc.yaml"), "metadata"), "name"), claim);

        YamlMappingNode merge = Load("deploy/k8s/merge-job.yaml");
        YamlMappingNode mergePod = Map(Map(Map(merge, "spec"), "template"), "spec");
        YamlMappingNode mergeContainer = (YamlMappingNode)Seq(mergePod, "containers").Children.Single();
        List<string> mergeArgs = Seq(mergeContainer, "args").Children.Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.Equal("merge", mergeArgs[0]);
        Assert.Equal(After(args, "--out"), mergeArgs[1]);
        Assert.Equal(claim, Claim(mergePod));
    }

    /// <summary>The Jobs' arguments, run here as the pods would: four shards from one start time, then the merge.</summary>
    [Fact]
    public async Task TheJobsArgumentsRunAndMergeHere()
    {
        YamlMappingNode job = Load("deploy/k8s/shards-job.yaml");
        int shards = int.Parse(Scalar(Map(job, "spec"), "completions"), CultureInfo.InvariantCulture);
        YamlMappingNode container = (YamlMappingNode)Seq(Map(Map(Map(job, "spec"), "template"), "spec"), "containers").Children.Single();
        YamlMappingNode mergeContainer = (YamlMappingNode)Seq(Map(Map(Map(Load("deploy/k8s/merge-job.yaml"), "spec"), "template"), "spec"), "containers").Children.Single();

        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        string root = Path.Combine(Path.GetTempPath(), $"loadgen-k8s-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "profile"));
        File.WriteAllText(Path.Combine(root, "profile", "profile.yaml"), """
            name: k8s
            duration: 4s
            groups:
              - { name: devices, role: publisher, sessions: 20, topic: "k8s/%i", qos: 1, stages: [ { inject: { rate: 100/s, during: 2s } } ] }
            """);
        string startAt = DateTime.UtcNow.AddSeconds(3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var processes = new List<Process>();
        for (int i = 0; i < shards; i++)
        {
            var values = new Dictionary<string, string>
            {
                ["BROKER_URL"] = $"mqtt://127.0.0.1:{broker.Port}",
                ["START_AT"] = startAt,
                ["JOB_COMPLETION_INDEX"] = i.ToString(CultureInfo.InvariantCulture),
            };
            processes.Add(LoadgenProcess.Start(Args(container, values, root)));
        }

        foreach (Process p in processes)
        {
            (int exit, string stdout, string error) = LoadgenProcess.Finish(p);
            Assert.True(exit == 0, stdout + error);
            p.Dispose();
        }

        (int mergeExit, string mergeOut, string mergeError) = LoadgenProcess.Run(Args(mergeContainer, new Dictionary<string, string>(), root));
        Assert.True(mergeExit == 0, mergeOut + mergeError);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "results", "merged", "result.json")));
        Assert.Equal(shards, json.RootElement.GetProperty("merged_from").GetArrayLength());
        Assert.Equal(20, json.RootElement.GetProperty("counters").GetProperty("sessions_connected").GetInt64());
        Assert.Equal(200, json.RootElement.GetProperty("counters").GetProperty("acknowledged").GetInt64());
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void TheDockerfilePublishesTheCliAndPutsLoadgenOnThePath()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Repo, "Dockerfile"));
        Match publish = Regex.Match(string.Join('\n', lines), @"dotnet publish (\S+\.csproj)");
        Assert.True(publish.Success);
        Assert.True(File.Exists(Path.Combine(Repo, publish.Groups[1].Value)), publish.Groups[1].Value);
        Assert.Contains(lines, l => l.Contains("fonts-dejavu-core", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("/usr/local/bin/loadgen", StringComparison.Ordinal));
        Assert.Equal("ENTRYPOINT [\"loadgen\"]", lines.Last(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
    }

    /// <summary>The README's packaging command builds a tool package that installs and runs as <c>loadgen</c>.</summary>
    [Fact]
    public void TheToolPackageInstallsAsLoadgen()
    {
        string work = Path.Combine(Path.GetTempPath(), $"loadgen-tool-{Guid.NewGuid():N}");
        try
        {
            Run("dotnet", ["pack", Path.Combine(Repo, "src", "LoadGen.Cli"), "-c", "Release", "-o", Path.Combine(work, "packages"), "--nologo"]);
            Run("dotnet", ["tool", "install", "LoadGen.Cli", "--tool-path", Path.Combine(work, "tools"), "--add-source", Path.Combine(work, "packages")]);
            string help = Run(Path.Combine(work, "tools", "loadgen"), ["--help"]);
            Assert.Contains("merge <runs>", help, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    // The container's args with $(VAR) expanded as Kubernetes does, and the volume paths moved under root.
    private static string[] Args(YamlMappingNode container, Dictionary<string, string> values, string root) =>
        Seq(container, "args").Children.Select(a => ((YamlScalarNode)a).Value!)
            .Select(a => Regex.Replace(a, @"\$\(([A-Z_]+)\)", m => values[m.Groups[1].Value]))
            .Select(a => a.StartsWith("/profile/", StringComparison.Ordinal) || a.StartsWith("/results", StringComparison.Ordinal) ? root + a : a)
            .ToArray();

    private static string Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> error = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), $"{file} did not finish");
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {output.Result}{error.Result}");
        return output.Result;
    }

    private static string Claim(YamlMappingNode pod) =>
        Seq(pod, "volumes").Children.Cast<YamlMappingNode>()
            .Where(v => v.Children.ContainsKey(new YamlScalarNode("persistentVolumeClaim")))
            .Select(v => Scalar(Map(v, "persistentVolumeClaim"), "claimName")).Single();

    private static string After(List<string> args, string option) => args[args.IndexOf(option) + 1];

    private static YamlMappingNode Load(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Repo, relative))));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static YamlSequenceNode Seq(YamlMappingNode node, string key) => (YamlSequenceNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    private static string FindRepo()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "LoadGen.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("LoadGen.sln not found above the test's folder");
    }
}
