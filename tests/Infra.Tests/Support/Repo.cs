namespace Infra.Tests.Support;

/// <summary>Locates the repository and the restored Bicep CLI.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    public static string CatalogPath => Path.Combine(Root, "schemas", "catalog.json");

    public static string EmulatorConfigPath => Path.Combine(Root, EmulatorConfig.RelativePath);

    public static string BicepPackageRoot { get; } =
        Metadata("BicepPackageRoot") ?? throw new InvalidOperationException("The Azure.Bicep.CommandLine.linux-x64 package path was not baked into the test assembly.");

    public static IEnumerable<string> BicepFiles() =>
        Directory.EnumerateFiles(Infra, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        var baked = Metadata("RepoRoot");
        if (baked is not null && File.Exists(Path.Combine(baked, "Functions.sln")))
        {
            return Path.GetFullPath(baked);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (Functions.sln).");
    }

    private static string? Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
