using System.Runtime.InteropServices;

namespace LoadGen.Cli;

/// <summary>
/// Raises this process's open-file limit to its hard limit. Every session is a socket, and the usual soft limit
/// (1,024) would stop a run at about a thousand sessions; the hard limit here is 20,000 (../shared/FACTS.md).
/// </summary>
internal static partial class FileLimit
{
    private const int RlimitNofile = 7;

    /// <summary>Descriptors kept for everything that is not a session: assemblies, result files, the runtime.</summary>
    public const ulong Reserve = 100;

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>The soft limit after raising it, or null where there is no such limit (not Linux).</summary>
    public static ulong? Raise()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (GetLimit(RlimitNofile, out Limit limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Maximum)
        {
            limit.Current = limit.Maximum;
            _ = SetLimit(RlimitNofile, in limit);
            _ = GetLimit(RlimitNofile, out limit);
        }

        return limit.Current;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetLimit(int resource, out Limit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetLimit(int resource, in Limit limit);
}
