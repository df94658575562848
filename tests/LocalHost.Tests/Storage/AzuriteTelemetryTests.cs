namespace Store.LocalHost.Tests.Storage;

/// <summary>
/// The Azurite the local host and the tests start sends nothing off the machine: it runs with --disableTelemetry, and the
/// Application Insights SDK it would send with is replaced by a module that cannot send (package.json overrides).
/// </summary>
public sealed class AzuriteTelemetryTests
{
    [Fact]
    public async Task Azurite_runs_with_telemetry_off()
    {
        var (process, _) = await Azurite.StartNewAsync();
        try
        {
            var arguments = File.ReadAllText($"/proc/{process.Id}/cmdline").Split('\0');
            Assert.Contains("--disableTelemetry", arguments);
        }
        finally
        {
            Azurite.Stop(process);
        }
    }

    [Fact]
    public async Task Azurites_telemetry_sdk_is_the_stand_in_that_sends_nothing()
    {
        var root = Azurite.RepositoryRoot();
        var azurite = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        await NodePackages.EnsureAsync(Path.GetRelativePath(root, azurite));
        var start = new ProcessStartInfo("node") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        // Resolved from Azurite's own folder, as its Telemetry.js does.
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(
            "const r = require('module').createRequire(process.argv[1]); const path = require('path');" +
            "console.log(path.relative(process.cwd(), require('fs').realpathSync(r.resolve('applicationinsights'))));" +
            "try { r('applicationinsights').setup('InstrumentationKey=x'); console.log('sent'); } catch (e) { console.log(e.message); }");
        start.ArgumentList.Add(azurite);
        using var node = Process.Start(start)!;
        var output = (await node.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await node.WaitForExitAsync();

        Assert.Equal(0, node.ExitCode);
        var standIn = Path.Combine("tests", "TestSupport", "applicationinsights-disabled", "index.js");
        Assert.True(output[0] == standIn, $"Azurite's applicationinsights is {output[0]}, not {standIn}: package.json lost its override, or node_modules predates it (run npm ci).");
        Assert.Contains("start Azurite with --disableTelemetry", output[1], StringComparison.Ordinal);
    }
}

/// <summary>A checkout whose package-lock.json changed since its last npm install gets the new tree before Azurite starts.</summary>
public sealed class NodePackagesTests
{
    [Fact]
    public void Node_modules_installed_from_another_lock_file_is_installed_again()
    {
        var root = Directory.CreateTempSubdirectory("node-packages-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "node_modules"));
            var repoLock = File.ReadAllText(Path.Combine(Azurite.RepositoryRoot(), "package-lock.json"));
            File.WriteAllText(Path.Combine(root.FullName, "package-lock.json"), repoLock);
            Assert.False(NodePackages.InstalledAsLocked(root.FullName));

            // What npm records after installing exactly this lock file.
            File.WriteAllText(Path.Combine(root.FullName, "node_modules", ".package-lock.json"), repoLock);
            Assert.True(NodePackages.InstalledAsLocked(root.FullName));

            // The tree from before the telemetry SDK was replaced: applicationinsights 3.16.0 from the registry.
            var before = JsonNode.Parse(repoLock)!.AsObject();
            before["packages"]!["node_modules/applicationinsights"] = new JsonObject { ["version"] = "3.16.0" };
            File.WriteAllText(Path.Combine(root.FullName, "node_modules", ".package-lock.json"), before.ToJsonString());
            Assert.False(NodePackages.InstalledAsLocked(root.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
