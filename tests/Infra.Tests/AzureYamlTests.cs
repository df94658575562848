namespace Infra.Tests;

/// <summary>azure.yaml deploys exactly the catalog's contexts as function apps.</summary>
public sealed class AzureYamlTests
{
    private readonly Catalog _catalog = Catalog.Load();

    [Fact]
    public void Services_are_exactly_the_catalog_contexts_with_their_projects()
    {
        var services = ParseServices(File.ReadAllLines(Path.Combine(Repo.Root, "azure.yaml")));

        Assert.Equal(_catalog.Contexts.Select(c => c.Name.ToLowerInvariant()).Order(), services.Keys.Order());
        foreach (var context in _catalog.Contexts)
        {
            var service = services[context.Name.ToLowerInvariant()];
            Assert.Equal($"./functions/{context.Name}", service.GetValueOrDefault("project"));
            Assert.Equal("dotnet", service.GetValueOrDefault("language"));
            Assert.Equal("function", service.GetValueOrDefault("host"));
        }
    }

    [Fact]
    public void Postprovision_hooks_exist_for_posix_and_windows()
    {
        var yaml = File.ReadAllText(Path.Combine(Repo.Root, "azure.yaml"));

        Assert.Contains("./infra/hooks/postprovision.sh", yaml, StringComparison.Ordinal);
        Assert.Contains("./infra/hooks/postprovision.ps1", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Repo.Infra, "hooks", "postprovision.sh")));
        Assert.True(File.Exists(Path.Combine(Repo.Infra, "hooks", "postprovision.ps1")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(Repo.Infra, "hooks", "postprovision.sh")).HasFlag(UnixFileMode.UserExecute));
        }
    }

    /// <summary>Reads the `services:` block of azure.yaml (plain two-level mapping, no YAML library needed).</summary>
    private static Dictionary<string, Dictionary<string, string>> ParseServices(string[] lines)
    {
        var services = new Dictionary<string, Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        var inServices = false;
        foreach (var raw in lines)
        {
            var line = raw.Split(" #")[0].TrimEnd();
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var indent = line.Length - line.TrimStart().Length;
            if (indent == 0)
            {
                inServices = line == "services:";
                continue;
            }

            if (!inServices)
            {
                continue;
            }

            var (key, value) = (line.Trim().Split(':', 2)[0], line.Trim().Split(':', 2)[1].Trim());
            if (indent == 2)
            {
                current = services[key] = [];
            }
            else if (indent == 4 && current is not null)
            {
                current[key] = value.Trim('"', '\'');
            }
        }

        return services;
    }
}
