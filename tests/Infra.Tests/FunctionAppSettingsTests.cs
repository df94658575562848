namespace Infra.Tests;

/// <summary>Each app gets identity-based connections for exactly the domains it uses, and nothing secret.</summary>
[Collection(InfraCollection.Name)]
public sealed class FunctionAppSettingsTests(InfraFixture infra)
{
    public static TheoryData<string> Contexts() => new(Catalog.Load().Contexts.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Contexts))]
    public void App_has_identity_based_connections_for_exactly_the_domains_it_uses(string context)
    {
        var settings = SettingsOf(context);
        var identity = $"userAssignedIdentities/id-{context.ToLowerInvariant()}-";

        var connections = settings.Keys
            .Where(k => k.EndsWith("EventHubConnection__fullyQualifiedNamespace", StringComparison.Ordinal))
            .Select(k => k[..k.IndexOf("__", StringComparison.Ordinal)])
            .ToHashSet();
        Assert.Equal(infra.Catalog.ConnectionsOf(context).Order(), connections.Order());

        foreach (var domain in infra.Catalog.Domains.Where(d => connections.Contains(d.Connection)))
        {
            // The DNS suffix depends on the cloud (environment()), which only the deployment knows.
            Assert.Matches(
                $@"^\[format\('\{{0\}}\.\{{1\}}', 'evhns-{domain.Name}-[a-z0-9]+', .*'servicebus\.windows\.net'\)+\]$",
                settings[$"{domain.Connection}__fullyQualifiedNamespace"]);
            Assert.Equal("managedidentity", settings[$"{domain.Connection}__credential"]);
            Assert.Contains(identity, settings[$"{domain.Connection}__clientId"], StringComparison.Ordinal);
        }

        // The dead-letter stream is a platform capability: every app can reach it.
        Assert.Contains("OperationsEventHubConnection", connections);
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void App_reaches_host_and_state_storage_and_telemetry_with_its_identity(string context)
    {
        var settings = SettingsOf(context);
        var identity = $"userAssignedIdentities/id-{context.ToLowerInvariant()}-";
        var state = infra.Catalog.StateStorageSetting;

        var prefix = context.ToLowerInvariant()[..Math.Min(8, context.Length)];

        // Service URIs come from the accounts' primaryEndpoints (right for every cloud), never from a hard-coded suffix.
        Assert.Matches($@"^\[reference\('[^']+/storageAccounts/sth{prefix}[a-z0-9]+', '[0-9-]+'\)\.primaryEndpoints\.blob\]$", settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Matches($@"^\[reference\('[^']+/storageAccounts/sth{prefix}[a-z0-9]+', '[0-9-]+'\)\.primaryEndpoints\.table\]$", settings["AzureWebJobsStorage__tableServiceUri"]);
        Assert.DoesNotContain("AzureWebJobsStorage__accountName", settings.Keys);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Contains(identity, settings["AzureWebJobsStorage__clientId"], StringComparison.Ordinal);

        // `endpoint` is the TableServiceClient constructor parameter AddTableServiceClient(section) binds.
        Assert.Matches($@"^\[reference\('[^']+/storageAccounts/sts{prefix}[a-z0-9]+', '[0-9-]+'\)\.primaryEndpoints\.table\]$", settings[$"{state}__endpoint"]);
        Assert.Equal("managedidentity", settings[$"{state}__credential"]);
        Assert.Contains(identity, settings[$"{state}__clientId"], StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
        Assert.Contains("ConnectionString", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
        Assert.Equal(context, settings["OTEL_SERVICE_NAME"]);
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void App_has_no_connection_string_or_key_setting(string context)
    {
        var settings = SettingsOf(context);

        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.DoesNotContain(settings, s => s.Value.Contains("AccountKey", StringComparison.OrdinalIgnoreCase)
                                             || s.Value.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(settings.Keys, k => k.EndsWith("EventHubConnection", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void App_is_tagged_as_its_azd_service(string context)
    {
        var app = AppOf(context);

        Assert.Equal(context.ToLowerInvariant(), (string?)app["tags"]!["azd-service-name"]);
    }

    private JsonObject AppOf(string context) =>
        infra.Resources("Microsoft.Web/sites").Single(a => ((string)a["name"]!).StartsWith($"func-{context.ToLowerInvariant()}-", StringComparison.Ordinal));

    private Dictionary<string, string> SettingsOf(string context) =>
        AppOf(context)["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => (string)s!["value"]!);
}
