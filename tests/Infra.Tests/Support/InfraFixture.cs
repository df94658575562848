namespace Infra.Tests.Support;

/// <summary>
/// Compiles every template once, and evaluates main.bicep offline with `bicep snapshot`, which expands every module,
/// copy loop and catalog-driven expression into the resources a deployment would create.
/// </summary>
public sealed class InfraFixture : IDisposable
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string TenantId = "00000000-0000-0000-0000-0000000000bb";
    public const string EnvironmentName = "citest";
    public const string DeveloperPrincipalId = "11111111-2222-3333-4444-555555555555";

    /// <summary>The variant's partitions per hub: the documented large deployment (not the catalog default).</summary>
    public const int VariantPartitions = 32;

    /// <summary>The variant's Inventory stock shards (not the default 1).</summary>
    public const int VariantStockShards = 4;

    private readonly string _work = Directory.CreateTempSubdirectory("infra-tests-").FullName;
    // Every snapshot of the run comes from this one warm CLI (bicep jsonrpc) instead of a new CLI process each.
    private readonly BicepServer _bicep = BicepServer.Start();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<JsonObject>> _regional = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<JsonObject>> _withParameters = new(StringComparer.Ordinal);

    public InfraFixture()
    {
        Catalog = Catalog.Load();
        // Each Bicep CLI run is a process of a second or more: one run builds every template, and the snapshots come from
        // the warm JSON-RPC server while it runs.
        var buildDir = Path.Combine(_work, "build");
        var build = BicepCli.Run("build", "--pattern", "infra/**/*.bicep", "--outdir", buildDir);
        var builds = Repo.BicepFiles().ToDictionary(Repo.Relative, file => BuildOf(file, build, buildDir), StringComparer.Ordinal);
        Builds = builds;

        // Every optional part switched on (private networking, a developer that is a CI service principal) so every nested
        // deployment is expanded; the same snapshot checks what those options deploy.
        var probed = DeploymentProbe.AddProbes(JsonNode.Parse(Builds["infra/main.bicep"].Json!)!.AsObject());
        var probedFile = Path.Combine(_work, "probed", "main.json");
        Directory.CreateDirectory(Path.GetDirectoryName(probedFile)!);
        File.WriteAllText(probedFile, probed.ToJsonString());
        Snapshot = RunSnapshot();
        VariantSnapshot = RunSnapshot("probed", "main.json", $"param vnetEnabled = true\nparam principalType = 'ServicePrincipal'\nparam eventHubPartitions = {VariantPartitions}\nparam inventoryStockShards = {VariantStockShards}");
        NestedDeployments = DeploymentProbe.Read(VariantSnapshot);
    }

    public Catalog Catalog { get; }

    /// <summary>Build result and compiled ARM JSON per .bicep file (repo-relative path).</summary>
    public Dictionary<string, (BicepResult Result, string? Json)> Builds { get; }

    public JsonObject Snapshot { get; }

    /// <summary>main.bicep with vnetEnabled = true, principalType = 'ServicePrincipal', <see cref="VariantPartitions"/> partitions and <see cref="VariantStockShards"/> stock shards (plus the deployment-name probes).</summary>
    public JsonObject VariantSnapshot { get; }

    public IEnumerable<JsonObject> VariantResources(string type) =>
        VariantSnapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every nested deployment of main.bicep (all loops expanded, vnetEnabled and a developer principal), named as the engine evaluates it.</summary>
    public IReadOnlyList<NestedDeployment> NestedDeployments { get; }

    public IEnumerable<JsonObject> Resources(string type) =>
        Snapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public void Dispose()
    {
        _bicep.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    /// <summary>main.bicep with default options evaluated in another region (evaluated once per region and test run).</summary>
    public JsonObject SnapshotAt(string location) =>
        _regional.GetOrAdd(location, l => new Lazy<JsonObject>(() => RunSnapshot($"snapshot-{l}", Path.Combine(Repo.Infra, "main.bicep"), string.Empty, l))).Value;

    /// <summary>main.bicep with default options plus <paramref name="parameters"/> (bicepparam lines), evaluated once per distinct text.</summary>
    public JsonObject SnapshotWith(string parameters) =>
        _withParameters.GetOrAdd(parameters, p => new Lazy<JsonObject>(() => RunSnapshot($"snapshot-{Guid.NewGuid():N}", Path.Combine(Repo.Infra, "main.bicep"), p))).Value;

    /// <summary>One template's part of a pattern build: its compiled JSON, and the output lines that name it or no file.</summary>
    private static (BicepResult Result, string? Json) BuildOf(string file, BicepResult build, string buildDir)
    {
        var json = Path.ChangeExtension(Path.Combine(buildDir, Path.GetRelativePath(Repo.Infra, file)), ".json");
        var lines = (build.StdErr + "\n" + build.StdOut).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var own = lines.Where(l => l.StartsWith(file + "(", StringComparison.Ordinal) || !l.Contains(".bicep(", StringComparison.Ordinal)).ToList();
        var failed = !File.Exists(json) || own.Any(l => l.Contains(" : Error ", StringComparison.Ordinal));
        var result = new BicepResult(failed ? Math.Max(1, build.ExitCode) : 0, string.Empty, string.Join('\n', own));
        return (result, File.Exists(json) ? File.ReadAllText(json) : null);
    }

    private JsonObject RunSnapshot() => RunSnapshot("snapshot", Path.Combine(Repo.Infra, "main.bicep"), string.Empty);

    private JsonObject RunSnapshot(string name, string template, string extraParameters, string location = "eastus2")
    {
        var dir = Path.Combine(_work, name);
        Directory.CreateDirectory(dir);
        var paramFile = WriteParameters(dir, template, extraParameters, location);
        if (_bicep.Snapshot(paramFile, SubscriptionId, TenantId, location, "main") is { } json)
        {
            return JsonNode.Parse(json)!.AsObject();
        }

        // The JSON-RPC server reports only "Compilation failed": the CLI says why (or evaluates it after all).
        return CliSnapshot(paramFile, location);
    }

    /// <summary>
    /// Writes dir/main.bicepparam for <paramref name="template"/> (relative to dir, or absolute) with the defaults of every
    /// snapshot; a line of <paramref name="extraParameters"/> for the same parameter replaces the default.
    /// </summary>
    internal static string WriteParameters(string dir, string template, string extraParameters, string location)
    {
        var main = Path.GetRelativePath(dir, Path.Combine(dir, template)).Replace('\\', '/');
        var paramFile = Path.Combine(dir, "main.bicepparam");
        string[] defaults =
        [
            $"param environmentName = '{EnvironmentName}'",
            $"param location = '{location}'",
            $"param principalId = '{DeveloperPrincipalId}'",
            "param alertEmail = 'ops@example.com'",
        ];
        var extra = extraParameters.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        static string NameOf(string line) => line.Split(' ', 3)[1];
        var lines = defaults.Where(d => !extra.Any(e => NameOf(e) == NameOf(d))).Concat(extra);
        File.WriteAllText(paramFile, $"using '{main}'\n" + string.Join('\n', lines) + "\n");
        return paramFile;
    }

    /// <summary>`bicep snapshot` of a .bicepparam file, as the CLI writes it next to the file; fails with the CLI's diagnostics.</summary>
    internal static JsonObject CliSnapshot(string paramFile, string location)
    {
        var result = BicepCli.Run(
            "snapshot", paramFile, "--mode", "overwrite",
            "--subscription-id", SubscriptionId,
            "--tenant-id", TenantId,
            "--location", location,
            "--deployment-name", "main");
        var snapshot = Path.Combine(Path.GetDirectoryName(paramFile)!, "main.snapshot.json");
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
