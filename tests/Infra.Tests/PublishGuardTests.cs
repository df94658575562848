namespace Infra.Tests;

/// <summary>
/// An offline build (the feed does not serve Microsoft.Azure.Functions.Worker.Extensions.EventHubs) must never reach Azure:
/// its functions.metadata declares eventHubTrigger while extensions.json registers no Event Hubs extension. The guard in
/// functions/EventHubs.Extension/EventHubsExtension.targets is run here with MSBuild in both modes.
/// </summary>
public sealed class PublishGuardTests
{
    private const string Guard = "EnsureOfficialEventHubsExtensionForPublish";
    private const string Package = "Microsoft.Azure.Functions.Worker.Extensions.EventHubs";

    public static TheoryData<string?, string?, bool> Modes() => new()
    {
        // -p:EventHubsExtensionMode, content of the probed mode file, publish allowed
        { "offline", null, false },
        // The explicit property wins over the probed file.
        { "official", "offline", true },
        { null, "official", true },
        { null, "offline", false },
        // Never probed (no file) or an unknown value: offline, as EventHubs.Extension.csproj decides.
        { "anything-else", null, false },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Publishing_a_function_app_is_allowed_only_for_an_official_build(string? mode, string? modeFile, bool allowed)
    {
        var result = RunGuard(Path.Combine(Repo.Root, "functions", "Sales", "Sales.csproj"), mode, modeFile);

        if (allowed)
        {
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.DoesNotContain("EVHX001", result.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotEqual(0, result.ExitCode);
            var error = Assert.Single(ErrorLines(result.Output));
            Assert.Contains("EVHX001", error, StringComparison.Ordinal);
            Assert.Contains(Package, error, StringComparison.Ordinal);
            Assert.Contains("official build", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_function_app_of_the_catalog_is_guarded_and_the_local_host_is_not()
    {
        var catalog = Catalog.Load();
        var dir = Directory.CreateTempSubdirectory("publish-guard-");
        try
        {
            // One MSBuild run over every app: the guard target must fail for each of them in offline mode.
            var projects = catalog.Contexts.Select(c => Path.Combine(Repo.Root, "functions", c.Name, c.Name + ".csproj")).ToList();
            var traversal = Path.Combine(dir.FullName, "all.proj");
            File.WriteAllText(traversal, $"""
                <Project>
                  <Target Name="Check">
                    <MSBuild Projects="{string.Join(';', projects)}" Targets="{Guard}" ContinueOnError="true" />
                    <MSBuild Projects="{Path.Combine(Repo.Root, "functions", "LocalHost", "LocalHost.csproj")}" Targets="{Guard}" />
                  </Target>
                </Project>
                """);

            var result = Dotnet(["msbuild", traversal, "-t:Check", "-p:EventHubsExtensionMode=offline", "-nologo", "-nr:false", "-v:m"]);

            var errors = ErrorLines(result.Output).ToList();
            foreach (var context in catalog.Contexts)
            {
                Assert.Contains(errors, e => e.Contains($"Refusing to publish {context.Name}:", StringComparison.Ordinal) && e.Contains(Package, StringComparison.Ordinal));
            }

            Assert.Equal(catalog.Contexts.Count, errors.Count);
            Assert.DoesNotContain(errors, e => e.Contains("LocalHost", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Dotnet_publish_of_an_offline_build_fails_with_one_line_before_compiling()
    {
        var output = Directory.CreateTempSubdirectory("publish-guard-out-");
        try
        {
            // References are not rebuilt (other test assemblies may be using them); the guard runs before the app compiles.
            var result = Dotnet(["publish", Path.Combine(Repo.Root, "functions", "Sales", "Sales.csproj"), "-c", "Debug", "--no-restore", "-o", output.FullName,
                "-p:EventHubsExtensionMode=offline", "-p:BuildProjectReferences=false", "-nologo", "-nr:false", "-v:q"]);

            Assert.NotEqual(0, result.ExitCode);
            var error = Assert.Single(ErrorLines(result.Output));
            Assert.Contains($"error EVHX001: Refusing to publish Sales: this is an offline build without the package {Package}", error, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(output.FullName));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static IEnumerable<string> ErrorLines(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains(": error ", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal);

    private static (int ExitCode, string Output) RunGuard(string project, string? mode, string? modeFileContent)
    {
        var dir = Directory.CreateTempSubdirectory("publish-guard-mode-");
        try
        {
            var modeFile = Path.Combine(dir.FullName, "eventhubs-extension-mode.txt");
            if (modeFileContent is not null)
            {
                File.WriteAllText(modeFile, modeFileContent + "\n");
            }

            List<string> args = ["msbuild", project, $"-t:{Guard}", $"-p:EventHubsExtensionModeFile={modeFile}", "-nologo", "-nr:false", "-v:m"];
            if (mode is not null)
            {
                args.Add($"-p:EventHubsExtensionMode={mode}");
            }

            return Dotnet(args);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) Dotnet(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // Only the guard's own decision counts: the mode must not come from the environment of the test run.
        start.Environment.Remove("EventHubsExtensionMode");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 3 minutes.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
