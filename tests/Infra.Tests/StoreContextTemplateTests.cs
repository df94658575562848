namespace Infra.Tests;

/// <summary>
/// The store-context template (templates/Context) end to end, as a user runs it, in a scratch copy of the working tree:
/// the two README commands write the catalog, solution, azure.yaml, emulator config and per-hub triggers, and the new
/// context builds and its tests pass with no hand edit.
/// </summary>
public sealed class StoreContextTemplateTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task NewContext_FromTheTwoCommands_IsCataloguedDeployedBuiltAndTested()
    {
        var scratch = Directory.CreateTempSubdirectory("store-context-");
        try
        {
            var root = Path.Combine(scratch.FullName, "repo");
            var hive = Path.Combine(scratch.FullName, "hive");
            // .ci/run installs the npm packages while the solution builds, holding this machine-wide lock (so does the tests'
            // installer, tests/TestSupport/NodePackages.cs): waiting for it lets the copy link a complete node_modules.
            using (await Store.TestSupport.InstallLock.AcquireAsync("store-azurite-npm-ci.lock", TimeSpan.FromMinutes(5)))
            {
                CopyWorkingTree(root);
            }

            await RunAsync(root, "dotnet", "new", "install", "./templates/Context", "--debug:custom-hive", hive);
            var created = await RunAsync(root, "dotnet", "new", "store-context", "-n", "Analytics", "--consumes", "sales-orders,fulfillment-shipments",
                "--allow-scripts", "yes", "--debug:custom-hive", hive);
            Assert.Contains("Command succeeded", created, StringComparison.Ordinal);

            // The catalog, the solution, azure.yaml and the generated per-hub code, with no hand edit.
            var catalog = Store.Eventing.Catalog.EventCatalog.Parse(File.ReadAllText(Path.Combine(root, "schemas", "catalog.json")));
            Assert.Contains(catalog.Contexts, c => c is { Name: "Analytics", Kind: "stateful" });
            Assert.Equal([("sales-orders", "analytics"), ("fulfillment-shipments", "analytics")], catalog.HubsConsumedBy("Analytics"));
            var sln = File.ReadAllText(Path.Combine(root, "Functions.sln")).Replace('\\', '/');
            Assert.Contains("\"functions/Analytics/Analytics.csproj\"", sln, StringComparison.Ordinal);
            Assert.Contains("\"tests/Analytics.Tests/Analytics.Tests.csproj\"", sln, StringComparison.Ordinal);
            Assert.Contains("  analytics:\n    project: ./functions/Analytics\n", File.ReadAllText(Path.Combine(root, "azure.yaml")), StringComparison.Ordinal);
            Assert.Contains("analytics", File.ReadAllText(Path.Combine(root, EmulatorConfig.RelativePath)), StringComparison.Ordinal);
            var triggers = File.ReadAllText(Path.Combine(root, "functions", "Analytics", "Functions", "AnalyticsFunctions.cs"));
            Assert.Contains("\"Analytics_OnSalesOrders\"", triggers, StringComparison.Ordinal);
            Assert.Contains("\"Analytics_OnFulfillmentShipments\"", triggers, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(root, "functions", "Analytics", "add-context.json")));
            var records = File.ReadAllText(Path.Combine(root, "functions", "Analytics", "Events", "ConsumedEvents.cs"));
            Assert.Contains("public sealed record SalesOrderPlaced : IUpcast<SalesOrderPlacedV2>", records, StringComparison.Ordinal);
            Assert.Contains("public sealed record SalesOrderPlacedV2;", records, StringComparison.Ordinal);

            // A second regenerate changes nothing: the derived files are already what the catalog gives. (The template's
            // post-action built tests/Regenerate, and no source changed since.)
            var again = await RunAsync(root, "dotnet", "run", "--no-build", "--project", "tests/Regenerate");
            Assert.DoesNotContain("rewritten", again, StringComparison.Ordinal);

            // One build of the new context's tests (the app and the kit come with it), then those tests; the metadata the
            // Functions SDK generated declares each consumed hub's trigger with the catalog's consumer group, and the relay
            // timer. (Every app's settings → DI, function metadata and catalog agreement are the same tests that run on the
            // repository's own contexts: the catalog, not a list, gives them the contexts.)
            await RunAsync(root, "dotnet", "test", "tests/Analytics.Tests");
            var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "functions", "Analytics", "bin", "Debug", "net10.0", "functions.metadata")))!.AsArray();
            var bindings = metadata.Select(f => ((string)f!["name"]!, (string?)f["bindings"]![0]!["type"], (string?)f["bindings"]![0]!["eventHubName"], (string?)f["bindings"]![0]!["consumerGroup"])).ToList();
            Assert.Contains(("Analytics_OnSalesOrders", "eventHubTrigger", "sales-orders", "analytics"), bindings);
            Assert.Contains(("Analytics_OnFulfillmentShipments", "eventHubTrigger", "fulfillment-shipments", "analytics"), bindings);
            Assert.Contains(bindings, b => b.Item1 == "Analytics_RelayOutbox" && b.Item2 == "timerTrigger");
            Assert.Contains(bindings, b => b.Item1 == "Analytics_GetDaily" && b.Item2 == "httpTrigger");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    // The files git knows in the working tree (tracked and new, not ignored), as a fresh clone with these changes would
    // have them; node_modules (Azurite, for the new context's tests) is linked, not copied.
    private static void CopyWorkingTree(string root)
    {
        var files = Run(Repo.Root, "git", "ls-files", "-co", "--exclude-standard", "-z").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files.Where(f => File.Exists(Path.Combine(Repo.Root, f))))
        {
            var target = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Repo.Root, file), target);
        }

        var modules = Path.Combine(Repo.Root, "node_modules");
        if (Directory.Exists(modules))
        {
            Directory.CreateSymbolicLink(Path.Combine(root, "node_modules"), modules);
        }
    }

    private static string Run(string directory, string file, params string[] args)
    {
        using var process = Start(directory, file, args);
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}");
        return output;
    }

    private static async Task<string> RunAsync(string directory, string file, params string[] args)
    {
        using var process = Start(directory, file, args);
        using var timeout = new CancellationTokenSource(Step);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output + await error;
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{text}");
        return text;
    }

    private static Process Start(string directory, string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The nested builds must not inherit this test run's MSBuild or test-host settings.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        return Process.Start(start)!;
    }
}
