using System.Diagnostics;
using System.Globalization;

namespace LoadGen.Cli.Tests;

/// <summary>
/// A Linux cgroup that holds the processes added to it to a share of one core (cgroup v2 <c>cpu.max</c>, or v1
/// <c>cpu.cfs_quota_us</c>), for a test that must starve the generator for real. Fails the test where neither can be
/// made, rather than passing without the limit. Disposing moves the processes back and removes the group.
/// </summary>
internal sealed class CpuLimit : IDisposable
{
    private const int Period = 100_000;
    private readonly string _group;
    private readonly string _parent;
    private readonly string _procs;

    private CpuLimit(string group, string parent, string procs) => (_group, _parent, _procs) = (group, parent, procs);

    /// <summary>A group limited to <paramref name="cores"/> of one core (0.1 is a tenth).</summary>
    public static CpuLimit Create(double cores)
    {
        string name = $"loadgen-test-{Guid.NewGuid():N}";
        int quota = (int)(cores * Period);
        // v2 where the unified hierarchy has the cpu controller; v1 where the cpu controller has a hierarchy of its own.
        if (File.Exists("/sys/fs/cgroup/cgroup.controllers") && File.ReadAllText("/sys/fs/cgroup/cgroup.controllers").Split(' ', '\n').Contains("cpu"))
        {
            try
            {
                // A child group has cpu.max only once the parent hands the controller down.
                if (!File.ReadAllText("/sys/fs/cgroup/cgroup.subtree_control").Split(' ', '\n').Contains("cpu"))
                {
                    File.WriteAllText("/sys/fs/cgroup/cgroup.subtree_control", "+cpu");
                }

                string group = Path.Combine("/sys/fs/cgroup", name);
                Directory.CreateDirectory(group);
                File.WriteAllText(Path.Combine(group, "cpu.max"), string.Create(CultureInfo.InvariantCulture, $"{quota} {Period}"));
                return new CpuLimit(group, "/sys/fs/cgroup", "cgroup.procs");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Assert.Fail($"this test limits a process's CPU with a cgroup v2 group, and making one failed: {ex.Message}; run it as root on Linux");
            }
        }

        if (File.Exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"))
        {
            string group = Path.Combine("/sys/fs/cgroup/cpu", name);
            Directory.CreateDirectory(group);
            File.WriteAllText(Path.Combine(group, "cpu.cfs_period_us"), Period.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(group, "cpu.cfs_quota_us"), quota.ToString(CultureInfo.InvariantCulture));
            return new CpuLimit(group, "/sys/fs/cgroup/cpu", "cgroup.procs");
        }

        Assert.Fail("this test limits a process's CPU with a cgroup, and this machine offers no cgroup cpu controller (/sys/fs/cgroup/cpu.max or /sys/fs/cgroup/cpu/cpu.cfs_quota_us); run it as root on Linux");
        throw new UnreachableException();
    }

    /// <summary>Moves <paramref name="process"/>, every thread of it, into the group.</summary>
    public void Add(Process process) => File.WriteAllText(Path.Combine(_group, _procs), process.Id.ToString(CultureInfo.InvariantCulture));

    public void Dispose()
    {
        try
        {
            foreach (string pid in File.ReadAllLines(Path.Combine(_group, _procs)))
            {
                File.WriteAllText(Path.Combine(_parent, _procs), pid);
            }

            Directory.Delete(_group);
        }
        catch (IOException)
        {
            // The processes have ended; an empty group that remains is harmless and named for the test.
        }
    }
}
