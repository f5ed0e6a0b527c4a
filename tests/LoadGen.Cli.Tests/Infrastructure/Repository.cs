namespace LoadGen.Cli.Tests;

/// <summary>The repository the tests run from, for the profiles they run as a user would.</summary>
internal static class Repository
{
    /// <summary>The folder holding LoadGen.sln, found above the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "LoadGen.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("LoadGen.sln not found above " + AppContext.BaseDirectory);
    }
}
