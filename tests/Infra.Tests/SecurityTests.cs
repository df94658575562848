namespace Infra.Tests;

/// <summary>Security rules on the compiled ARM JSON and on the resources a deployment would create.</summary>
[Collection(InfraCollection.Name)]
public sealed class SecurityTests(InfraFixture infra)
{
    [Theory]
    [InlineData("listKeys")]
    [InlineData("listConnectionStrings")]
    [InlineData("listAccountSas")]
    [InlineData("listServiceSas")]
    [InlineData("SharedAccessKey")]
    [InlineData("AccountKey")]
    [InlineData("primaryKey")]
    [InlineData("InstrumentationKey=")]
    public void No_compiled_template_reads_or_embeds_keys(string forbidden)
    {
        foreach (var (file, (_, json)) in infra.Builds)
        {
            Assert.False(json!.Contains(forbidden, StringComparison.OrdinalIgnoreCase), $"{file} compiles to ARM JSON containing '{forbidden}'.");
        }
    }

    [Fact]
    public void Every_event_hubs_namespace_is_standard_entra_only_and_tls12()
    {
        var namespaces = infra.Resources("Microsoft.EventHub/namespaces").ToList();

        Assert.Equal(infra.Catalog.Domains.Count, namespaces.Count);
        Assert.All(namespaces, ns =>
        {
            Assert.Equal("Standard", (string?)ns["sku"]!["name"]);
            Assert.True((bool?)ns["properties"]!["disableLocalAuth"], $"{ns["name"]} allows SAS keys.");
            Assert.Equal("1.2", (string?)ns["properties"]!["minimumTlsVersion"]);
        });
    }

    [Fact]
    public void Application_insights_accepts_only_entra_authenticated_telemetry()
    {
        var components = infra.Resources("Microsoft.Insights/components").ToList();

        Assert.NotEmpty(components);
        Assert.All(components, c =>
        {
            Assert.True((bool?)c["properties"]!["DisableLocalAuth"]);
            Assert.NotNull(c["properties"]!["WorkspaceResourceId"]);
        });
    }

    [Fact]
    public void Every_storage_account_refuses_shared_keys_anonymous_blobs_and_old_tls()
    {
        var accounts = infra.Resources("Microsoft.Storage/storageAccounts").ToList();

        // One host and one state account per context, and the stream archive.
        Assert.Equal((2 * infra.Catalog.Contexts.Count) + 1, accounts.Count);
        Assert.All(accounts, a =>
        {
            var p = a["properties"]!;
            Assert.False((bool?)p["allowSharedKeyAccess"] ?? true, $"{a["name"]} allows shared keys.");
            Assert.False((bool?)p["allowBlobPublicAccess"] ?? true, $"{a["name"]} allows public blobs.");
            Assert.Equal("TLS1_2", (string?)p["minimumTlsVersion"]);
        });
    }

    [Fact]
    public void Every_function_app_is_https_only_flex_consumption_dotnet_isolated_10()
    {
        var apps = infra.Resources("Microsoft.Web/sites").ToList();
        var plans = infra.Resources("Microsoft.Web/serverfarms").ToDictionary(p => (string)p["id"]!);

        Assert.Equal(infra.Catalog.Contexts.Count, apps.Count);
        Assert.All(apps, app =>
        {
            var p = app["properties"]!;
            Assert.True((bool?)p["httpsOnly"]);
            Assert.Equal("dotnet-isolated", (string?)p["functionAppConfig"]!["runtime"]!["name"]);
            Assert.Equal("10.0", (string?)p["functionAppConfig"]!["runtime"]!["version"]);
            Assert.Equal("UserAssignedIdentity", (string?)p["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]);
            Assert.Equal("UserAssigned", (string?)app["identity"]!["type"]);
            Assert.Equal("FC1", (string?)plans[(string)p["serverFarmId"]!]["sku"]!["name"]);
        });

        // Each app has its own plan.
        Assert.Equal(apps.Count, apps.Select(a => (string)a["properties"]!["serverFarmId"]!).Distinct().Count());
    }

    [Fact]
    public void Every_resource_carries_the_azd_environment_tag()
    {
        var tagged = infra.Snapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => r["location"] is not null && !((string)r["type"]!).StartsWith("Microsoft.Authorization", StringComparison.Ordinal));

        Assert.All(tagged, r => Assert.Equal(InfraFixture.EnvironmentName, (string?)r["tags"]?["azd-env-name"]));
    }
}
