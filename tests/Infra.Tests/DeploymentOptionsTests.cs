using Store.Eventing.Processing;

namespace Infra.Tests;

/// <summary>
/// The deployment's options and the smaller production requirements: region allow-list, CI principals, Entra-only Log
/// Analytics, a workbook that charts telemetry the apps really emit, and opt-in private networking (default: public).
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class DeploymentOptionsTests(InfraFixture infra)
{
    private JsonObject MainParameters => JsonNode.Parse(infra.Builds["infra/main.bicep"].Json!)!["parameters"]!.AsObject();

    [Fact]
    public void Location_is_limited_to_regions_that_offer_flex_consumption()
    {
        var allowed = MainParameters["location"]!["allowedValues"]!.AsArray().Select(v => (string)v!).ToList();

        Assert.Contains("eastus2", allowed);
        Assert.DoesNotContain("westindia", allowed);
        Assert.All(allowed, l => Assert.Matches("^[a-z0-9]+$", l));
    }

    [Fact]
    public void The_azd_parameter_file_sets_only_parameters_main_declares_and_exposes_the_options()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Infra, "main.parameters.json")))!["parameters"]!.AsObject();

        Assert.All(file.Select(p => p.Key), name => Assert.True(MainParameters.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare."));
        Assert.All(MainParameters.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key), name => Assert.True(file.ContainsKey(name), $"main.parameters.json does not set the required parameter '{name}'."));
        Assert.Equal("${AZURE_PRINCIPAL_TYPE=User}", (string?)file["principalType"]!["value"]);
        Assert.Equal("${VNET_ENABLED=false}", (string?)file["vnetEnabled"]!["value"]);
    }

    [Fact]
    public void Principal_type_is_a_parameter_and_every_developer_grant_uses_it()
    {
        Assert.Equal("User", (string?)MainParameters["principalType"]!["defaultValue"]);

        var developer = infra.VariantResources("Microsoft.Authorization/roleAssignments")
            .Where(r => (string?)r["properties"]!["principalId"] == InfraFixture.DeveloperPrincipalId).ToList();
        Assert.NotEmpty(developer);
        Assert.All(developer, r => Assert.Equal("ServicePrincipal", (string?)r["properties"]!["principalType"]));
    }

    [Fact]
    public void Log_analytics_accepts_only_entra_id()
    {
        var workspace = Assert.Single(infra.Resources("Microsoft.OperationalInsights/workspaces"));

        Assert.True((bool?)workspace["properties"]!["features"]!["disableLocalAuth"]);
    }

    [Fact]
    public void Workbook_charts_dead_letters_from_the_metric_the_eventing_kit_emits()
    {
        using var metrics = new EventingMetrics();
        var workbook = Assert.Single(infra.Resources("Microsoft.Insights/workbooks"));
        var queries = JsonNode.Parse((string)workbook["properties"]!["serializedData"]!)!["items"]!.AsArray()
            .Select(i => (string?)i!["content"]!["query"]).OfType<string>().ToList();

        Assert.Contains(queries, q => q.Contains($"AppMetrics | where Name == \"{metrics.DeadLettered.Name}\"", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("AppMetrics", StringComparison.Ordinal) && metrics.Lag.Name.Contains("lag", StringComparison.Ordinal));
        // Nothing emits producer spans, so a panel over AppDependencies would stay empty.
        Assert.DoesNotContain(queries, q => q.Contains("AppDependencies", StringComparison.Ordinal));
    }

    [Fact]
    public void By_default_every_data_plane_is_public_with_entra_id_and_there_is_no_network()
    {
        Assert.False((bool?)MainParameters["vnetEnabled"]!["defaultValue"]);
        Assert.Empty(infra.Resources("Microsoft.Network/virtualNetworks"));
        Assert.Empty(infra.Resources("Microsoft.Network/privateEndpoints"));
        Assert.All(infra.Resources("Microsoft.Storage/storageAccounts"), a => Assert.Equal("Enabled", (string?)a["properties"]!["publicNetworkAccess"]));
        Assert.All(infra.Resources("Microsoft.EventHub/namespaces"), n => Assert.Equal("Enabled", (string?)n["properties"]!["publicNetworkAccess"]));
        Assert.All(infra.Resources("Microsoft.Web/sites"), s => Assert.Null((string?)s["properties"]!["virtualNetworkSubnetId"]));
    }

    [Fact]
    public void With_vnet_enabled_storage_and_event_hubs_are_private_and_every_app_is_integrated()
    {
        var endpoints = infra.VariantResources("Microsoft.Network/privateEndpoints")
            .Select(e => (Target: (string)e["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!["privateLinkServiceId"]!,
                          Group: (string)e["properties"]!["privateLinkServiceConnections"]![0]!["properties"]!["groupIds"]![0]!))
            .ToList();

        foreach (var account in infra.VariantResources("Microsoft.Storage/storageAccounts"))
        {
            if ((string?)account["tags"]?["purpose"] == "stream-archive")
            {
                // The archive is written by Event Hubs Capture, a trusted Microsoft service: public network access stays
                // on so the trusted-service bypass applies, but the firewall denies everything else (ArchiveTests).
                Assert.Equal("Deny", (string?)account["properties"]!["networkAcls"]!["defaultAction"]);
                Assert.Equal("AzureServices", (string?)account["properties"]!["networkAcls"]!["bypass"]);
                continue;
            }

            Assert.Equal("Disabled", (string?)account["properties"]!["publicNetworkAccess"]);
            Assert.Equal("Deny", (string?)account["properties"]!["networkAcls"]!["defaultAction"]);
            var name = (string)account["name"]!;
            var groups = endpoints.Where(e => e.Target.EndsWith("/" + name, StringComparison.Ordinal)).Select(e => e.Group).Order(StringComparer.Ordinal).ToList();
            // Host storage: blobs (package, leases, checkpoints) and tables (host diagnostics); state storage: tables.
            Assert.Equal(name.StartsWith("sth", StringComparison.Ordinal) ? ["blob", "table"] : ["table"], groups);
        }

        foreach (var ns in infra.VariantResources("Microsoft.EventHub/namespaces"))
        {
            Assert.Equal("Disabled", (string?)ns["properties"]!["publicNetworkAccess"]);
            Assert.Contains(endpoints, e => e.Target == (string)ns["id"]! && e.Group == "namespace");
        }

        Assert.Equal(endpoints.Count, infra.VariantResources("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").Count());
        Assert.Equal(3, infra.VariantResources("Microsoft.Network/privateDnsZones/virtualNetworkLinks").Count());

        var vnet = Assert.Single(infra.VariantResources("Microsoft.Network/virtualNetworks"));
        var delegated = vnet["properties"]!["subnets"]!.AsArray()
            .Where(s => s!["properties"]!["delegations"]?[0]?["properties"]?["serviceName"]?.GetValue<string>() == "Microsoft.App/environments")
            .Select(s => (string)s!["name"]!).ToHashSet();
        var subnets = infra.VariantResources("Microsoft.Web/sites").Select(s => (string)s["properties"]!["virtualNetworkSubnetId"]!).ToList();
        Assert.Equal(infra.Catalog.Contexts.Count, subnets.Distinct().Count());
        Assert.All(subnets, s => Assert.Contains(s[(s.LastIndexOf('/') + 1)..], delegated));
    }
}
