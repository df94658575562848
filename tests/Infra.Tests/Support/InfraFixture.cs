using System.Text.Json.Nodes;

namespace Infra.Tests.Support;

/// <summary>
/// Compiles every template once, and evaluates main.bicep offline with `bicep snapshot`, which expands every module,
/// copy loop and catalog-driven expression into the resources a deployment would create.
/// </summary>
public sealed class InfraFixture : IDisposable
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string EnvironmentName = "citest";
    public const string DeveloperPrincipalId = "11111111-2222-3333-4444-555555555555";

    private readonly string _work = Directory.CreateTempSubdirectory("infra-tests-").FullName;

    public InfraFixture()
    {
        Catalog = Catalog.Load();
        foreach (var file in Repo.BicepFiles())
        {
            var outFile = Path.Combine(_work, "build", Repo.Relative(file).Replace('/', '_') + ".json");
            Directory.CreateDirectory(Path.GetDirectoryName(outFile)!);
            var result = BicepCli.Run("build", file, "--outfile", outFile);
            Builds[Repo.Relative(file)] = (result, File.Exists(outFile) ? File.ReadAllText(outFile) : null);
        }

        Snapshot = RunSnapshot();
    }

    public Catalog Catalog { get; }

    /// <summary>Build result and compiled ARM JSON per .bicep file (repo-relative path).</summary>
    public Dictionary<string, (BicepResult Result, string? Json)> Builds { get; } = [];

    public JsonObject Snapshot { get; }

    public IEnumerable<JsonObject> Resources(string type) =>
        Snapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private JsonObject RunSnapshot()
    {
        var dir = Path.Combine(_work, "snapshot");
        Directory.CreateDirectory(dir);
        var main = Path.GetRelativePath(dir, Path.Combine(Repo.Infra, "main.bicep")).Replace('\\', '/');
        var paramFile = Path.Combine(dir, "main.bicepparam");
        File.WriteAllText(paramFile, $"""
            using '{main}'
            param environmentName = '{EnvironmentName}'
            param location = 'eastus2'
            param principalId = '{DeveloperPrincipalId}'
            param alertEmail = 'ops@example.com'
            """);
        var result = BicepCli.Run(
            "snapshot", paramFile, "--mode", "overwrite",
            "--subscription-id", SubscriptionId,
            "--tenant-id", "00000000-0000-0000-0000-0000000000bb",
            "--location", "eastus2",
            "--deployment-name", "main");
        var snapshot = Path.Combine(dir, "main.snapshot.json");
        if (result.ExitCode != 0 || !File.Exists(snapshot))
        {
            throw new InvalidOperationException($"bicep snapshot failed ({result.ExitCode}):\n{result.StdErr}\n{result.StdOut}");
        }

        return JsonNode.Parse(File.ReadAllText(snapshot))!.AsObject();
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "infra";
}
