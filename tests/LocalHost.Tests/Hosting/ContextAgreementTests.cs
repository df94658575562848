namespace Store.LocalHost.Tests.Hosting;

/// <summary>
/// The catalog's contexts are the list: functions/, Functions.sln, the local host and azure.yaml must all agree with it
/// (README "Adding a context").
/// </summary>
public sealed partial class ContextAgreementTests
{
    private static readonly string Root = Azurite.RepositoryRoot();
    private static readonly string[] NotContexts = ["Eventing", "EventHubs.Extension", "LocalHost"];
    private readonly string[] _catalog = [.. EventCatalog.Current.Contexts.Select(c => c.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void FunctionApps_AreExactlyTheCatalogContexts()
    {
        var apps = Directory.GetDirectories(Path.Combine(Root, "functions"))
            .Select(Path.GetFileName)
            .Where(d => !NotContexts.Contains(d) && Directory.GetFiles(Path.Combine(Root, "functions", d!), "*.csproj").Length > 0)
            .Order(StringComparer.Ordinal);
        Assert.Equal(_catalog, apps);
        Assert.All(_catalog, c => Assert.True(File.Exists(Path.Combine(Root, "functions", c, c + ".csproj")), $"functions/{c}/{c}.csproj is missing"));
    }

    [Fact]
    public void Solution_HoldsEveryContextAndItsTests()
    {
        var sln = File.ReadAllText(Path.Combine(Root, "Functions.sln")).Replace('\\', '/');
        var apps = SolutionProject().Matches(sln).Select(m => m.Groups[1].Value).Where(p => !NotContexts.Contains(p)).Order(StringComparer.Ordinal);
        Assert.Equal(_catalog, apps);
        Assert.All(_catalog, c => Assert.Contains($"\"tests/{c}.Tests/{c}.Tests.csproj\"", sln, StringComparison.Ordinal));
    }

    [Fact]
    public void LocalHost_HostsEveryCatalogContext_FoundInItsAssembly()
    {
        var hosted = ContextRegistration.All;
        Assert.Equal(EventCatalog.Current.Contexts.Select(c => c.Name), hosted.Select(r => r.Name));
        Assert.All(hosted, r => Assert.Equal(r.Name, r.Assembly.GetName().Name));
    }

    [Fact]
    public void UnknownContext_IsAClearError()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ContextDiscovery.Registration("Returns"));
        Assert.Contains("functions/Returns/Returns.csproj", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AzureYaml_DeploysEveryCatalogContext()
    {
        var yaml = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        var services = AzureService().Matches(yaml).Select(m => m.Groups[2].Value).Order(StringComparer.Ordinal);
        Assert.Equal(_catalog, services);
    }

    [GeneratedRegex(@"""functions/([^/""]+)/\1\.csproj""")]
    private static partial Regex SolutionProject();

    [GeneratedRegex(@"(?m)^  ([a-z]+):\s*\n    project: \./functions/([A-Za-z]+)\s*$")]
    private static partial Regex AzureService();
}
