namespace Expothesis.Fast.Browser.Tests;

/// <summary>Locates the repository (the folder holding Expothesis.Fast.sln) from the test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string WebRoot => Path.Combine(Root, "src", "Gateway", "wwwroot");

    public static string Docs => Path.Combine(Root, "docs");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Expothesis.Fast.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Expothesis.Fast.sln above {AppContext.BaseDirectory}.");
    }
}
