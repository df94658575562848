namespace Infra.Tests;

/// <summary>
/// Settings → DI: every app starts with exactly the settings it is given. For each context the settings come from
/// (1) the function app as the compiled Bicep deploys it (`bicep snapshot` of main.bicep, runtime values filled in by
/// <see cref="DeploymentRuntime"/>), (2) the local.settings.json infra/hooks/postprovision.sh writes from the LOCAL_SETTINGS
/// output, and (3) local.settings.sample.json. They are handed to the app's real registration (the one Program.cs and the
/// local host call); every function class, the state Table client, a producer per hub the catalog lets the context send to,
/// and the credentials must resolve, and every setting must be read by the code or by the Functions host.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class AppSettingsToServicesTests(InfraFixture infra)
{
    public static TheoryData<string> Contexts() => new(Catalog.Load().Contexts.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Contexts))]
    public void App_starts_with_the_settings_Bicep_deploys(string context)
    {
        var settings = DeployedSettings(context);
        var resolved = Resolve(context, settings, "the deployed app settings");

        // In Azure every client authenticates as the app's own user-assigned identity.
        Assert.All(resolved.Credentials, c => Assert.True(AppComposition.Resolved.IsManagedIdentity(c.Value), $"{c.Key} does not use the managed identity ({c.Value.GetType().Name})."));
        Assert.NotNull(resolved.TelemetryCredential);
        Assert.True(AppComposition.Resolved.IsManagedIdentity(resolved.TelemetryCredential!), "Telemetry does not use the managed identity.");
        Assert.StartsWith($"sts{context.ToLowerInvariant()[..Math.Min(8, context.Length)]}", resolved.TableEndpoint.Host, StringComparison.Ordinal);
        Assert.Equal("table.core.windows.net", resolved.TableEndpoint.Host[(resolved.TableEndpoint.Host.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        foreach (var (hub, (ns, name)) in resolved.Producers)
        {
            Assert.Equal(hub, name);
            Assert.StartsWith($"evhns-{infra.Catalog.DomainOf(hub).Name}-", ns, StringComparison.Ordinal);
            Assert.EndsWith(".servicebus.windows.net", ns, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void App_starts_with_the_local_settings_the_postprovision_hook_writes(string context)
    {
        var written = Postprovision.GetOrAdd(infra, _ => RunPostprovision());
        Assert.True(written.TryGetValue(context, out var settings), $"postprovision.sh wrote no local.settings.json for {context}.");

        var resolved = Resolve(context, settings!, "the local.settings.json written by postprovision.sh");

        // The developer signs in with their own credential; the table is the deployed one.
        Assert.All(resolved.Credentials, c => Assert.False(AppComposition.Resolved.IsManagedIdentity(c.Value), $"{c.Key} would use a managed identity on a developer machine."));
        Assert.Equal(DeploymentRuntime.EvaluateString(DeployedSettingsRaw(context)[$"{infra.Catalog.StateStorageSetting}__endpoint"]), resolved.TableEndpoint.ToString());
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void App_starts_with_local_settings_sample(string context)
    {
        var settings = SampleSettings();

        var app = AppComposition.For(context);
        var resolved = app.Resolve(settings, infra.Catalog.HubsSentBy(context));

        Assert.Empty(resolved.HostProblems);
        Assert.Equal(app.FunctionClasses, resolved.Functions);
        Assert.Equal(infra.Catalog.HubsSentBy(context).Order(), resolved.Producers.Keys.Order());
    }

    [Fact]
    public void Every_setting_of_local_settings_sample_is_read_by_some_app()
    {
        var settings = SampleSettings();

        var unreadByAll = infra.Catalog.Contexts
            .Select(c => AppComposition.For(c.Name).Resolve(settings, infra.Catalog.HubsSentBy(c.Name)).Unread)
            .Aggregate((IEnumerable<string>)settings.Keys, (left, unread) => left.Intersect(unread, StringComparer.OrdinalIgnoreCase))
            .ToList();

        Assert.True(unreadByAll.Count == 0, $"local.settings.sample.json has settings no app reads: {string.Join(", ", unreadByAll)}");
    }

    [Fact]
    public void Inventory_runs_the_stock_shards_the_deployment_parameter_sets()
    {
        int Shards(IReadOnlyDictionary<string, string> settings)
        {
            var shards = 0;
            AppComposition.For("Inventory").Resolve(settings, infra.Catalog.HubsSentBy("Inventory"), sp => shards = sp.GetRequiredService<Store.Inventory.InventoryOptions>().StockShards);
            return shards;
        }

        Assert.Equal(1, Shards(DeployedSettings("Inventory")));
        Assert.Equal(InfraFixture.VariantStockShards, Shards(Evaluated(Sites(infra.VariantResources("Microsoft.Web/sites"), "Inventory"))));
        Assert.All(infra.Catalog.Contexts.Where(c => c.Name != "Inventory"), c => Assert.DoesNotContain(DeployedSettings(c.Name).Keys, k => k.Contains("StockShards", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_setting_the_code_does_not_read_fails_with_its_name()
    {
        // The check itself: an extra, misspelled key must be reported (this is how StateStorage__serviceUri would have shown up).
        var settings = new Dictionary<string, string>(DeployedSettings("Sales")) { ["StateStorage__serviceUrl"] = "https://example.table.core.windows.net/" };

        var resolved = AppComposition.For("Sales").Resolve(settings, infra.Catalog.HubsSentBy("Sales"));

        Assert.Equal(["StateStorage__serviceUrl"], resolved.Unread);
    }

    [Fact]
    public void A_missing_setting_fails_with_its_name()
    {
        var deployed = DeployedSettings("Sales");
        var sends = infra.Catalog.HubsSentBy("Sales");
        var connection = infra.Catalog.DomainOf(sends.Order(StringComparer.Ordinal).First()).Connection;

        var withoutProducer = deployed.Where(s => s.Key != $"{connection}__fullyQualifiedNamespace").ToDictionary();
        var producerError = Assert.ThrowsAny<Exception>(() => AppComposition.For("Sales").Resolve(withoutProducer, sends));
        Assert.Contains($"{connection}__fullyQualifiedNamespace", Flatten(producerError), StringComparison.Ordinal);

        var withoutState = deployed.Where(s => !s.Key.StartsWith(infra.Catalog.StateStorageSetting + "__", StringComparison.Ordinal)).ToDictionary();
        var stateError = Assert.ThrowsAny<Exception>(() => AppComposition.For("Sales").Resolve(withoutState, sends));
        Assert.Contains("TableServiceClient", Flatten(stateError), StringComparison.Ordinal);
        Assert.Contains($"section '{infra.Catalog.StateStorageSetting}'", Flatten(stateError), StringComparison.Ordinal);

        var trigger = AppComposition.For("Sales").TriggerConnections.Order(StringComparer.Ordinal).First();
        var withoutTrigger = deployed.Where(s => !s.Key.StartsWith(trigger + "__", StringComparison.Ordinal)).ToDictionary();
        var resolved = AppComposition.For("Sales").Resolve(withoutTrigger, sends);
        Assert.Contains(resolved.HostProblems, p => p.Contains($"{trigger}__fullyQualifiedNamespace", StringComparison.Ordinal));
    }

    private AppComposition.Resolved Resolve(string context, IReadOnlyDictionary<string, string> settings, string source)
    {
        var app = AppComposition.For(context);
        var sends = infra.Catalog.HubsSentBy(context);
        AppComposition.Resolved resolved;
        try
        {
            resolved = app.Resolve(settings, sends);
        }
        catch (Exception ex)
        {
            Assert.Fail($"{context} cannot start with {source}: {Flatten(ex)}\nSettings: {string.Join(", ", settings.Keys.Order(StringComparer.Ordinal))}");
            throw;
        }

        Assert.True(resolved.Unread.Count == 0, $"{context}: {source} contain settings neither the app nor the Functions host reads: {string.Join(", ", resolved.Unread)}");
        Assert.True(resolved.HostProblems.Count == 0, $"{context}: {source}: {string.Join("; ", resolved.HostProblems)}");
        Assert.Equal(app.FunctionClasses, resolved.Functions);
        Assert.NotEmpty(resolved.Functions);
        Assert.Equal(sends.Order(StringComparer.Ordinal), resolved.Producers.Keys.Order(StringComparer.Ordinal));
        return resolved;
    }

    private Dictionary<string, string> DeployedSettingsRaw(string context) => Sites(infra.Resources("Microsoft.Web/sites"), context);

    private static Dictionary<string, string> Sites(IEnumerable<JsonObject> sites, string context) =>
        sites.Single(a => ((string)a["name"]!).StartsWith($"func-{context.ToLowerInvariant()}-", StringComparison.Ordinal))
            ["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => (string)s!["value"]!);

    private Dictionary<string, string> DeployedSettings(string context) => Evaluated(DeployedSettingsRaw(context));

    private static Dictionary<string, string> Evaluated(Dictionary<string, string> raw) => raw.ToDictionary(s => s.Key, s => DeploymentRuntime.EvaluateString(s.Value));

    private static Dictionary<string, string> SampleSettings() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(p => p.Key, p => (string)p.Value!);

    private static string Flatten(Exception ex) =>
        string.Join(" --> ", EnumerateChain(ex).Select(e => $"{e.GetType().Name}: {e.Message}"));

    private static IEnumerable<Exception> EnumerateChain(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is not System.Reflection.TargetInvocationException)
            {
                yield return e;
            }
        }
    }

    // The hook runs once per test run (the fixture), not once per context.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<InfraFixture, Dictionary<string, Dictionary<string, string>>> Postprovision = new();

    /// <summary>Runs the real infra/hooks/postprovision.sh against the evaluated LOCAL_SETTINGS output, with azd stubbed.</summary>
    private Dictionary<string, Dictionary<string, string>> RunPostprovision()
    {
        var output = infra.Snapshot["outputs"]!["LOCAL_SETTINGS"]!;
        var localSettings = output is JsonValue v && v.TryGetValue<string>(out var expression)
            ? DeploymentRuntime.Evaluate(expression)!
            : output["value"]!;

        var root = Directory.CreateTempSubdirectory("postprovision-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "infra", "hooks"));
            File.Copy(Path.Combine(Repo.Infra, "hooks", "postprovision.sh"), Path.Combine(root, "infra", "hooks", "postprovision.sh"));
            foreach (var context in infra.Catalog.Contexts)
            {
                Directory.CreateDirectory(Path.Combine(root, "functions", context.Name));
            }

            var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
            File.WriteAllText(Path.Combine(root, "local-settings.json"), localSettings.ToJsonString());
            var azd = Path.Combine(bin, "azd");
            File.WriteAllText(azd, $"#!/bin/sh\n[ \"$1 $2 $3\" = \"env get-value LOCAL_SETTINGS\" ] || {{ echo \"unexpected azd $*\" >&2; exit 2; }}\ncat '{Path.Combine(root, "local-settings.json")}'\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(azd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var start = new ProcessStartInfo("sh", [Path.Combine(root, "infra", "hooks", "postprovision.sh")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "postprovision.sh did not finish in a minute.");
            Assert.True(process.ExitCode == 0, $"postprovision.sh failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");

            return infra.Catalog.Contexts
                .Where(c => File.Exists(Path.Combine(root, "functions", c.Name, "local.settings.json")))
                .ToDictionary(
                    c => c.Name,
                    c => JsonNode.Parse(File.ReadAllText(Path.Combine(root, "functions", c.Name, "local.settings.json")))!["Values"]!.AsObject()
                        .ToDictionary(p => p.Key, p => p.Value!.GetValueKind() == JsonValueKind.String ? (string)p.Value! : p.Value.ToJsonString()));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
