namespace Infra.Tests;

/// <summary>
/// The stream archive (the system of record): Event Hubs Capture of every catalog hub into the archive account, written
/// by the namespace's own identity with one grant on its domain's container, and protected against deletion.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class ArchiveTests(InfraFixture infra)
{
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string ArchiveNameFormat = "{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}";

    [Fact]
    public void Every_catalog_hub_is_captured_as_avro_into_its_domain_container_of_the_archive_by_identity()
    {
        var archive = ArchiveAccount();
        var hubs = infra.Resources("Microsoft.EventHub/namespaces/eventhubs").ToDictionary(h => ((string)h["name"]!).Split('/')[1]);

        Assert.Equal(infra.Catalog.Streams.Select(s => s.Stream.Hub).Order(), hubs.Keys.Order());
        foreach (var (domain, stream) in infra.Catalog.Streams)
        {
            var capture = hubs[stream.Hub]["properties"]!["captureDescription"];
            Assert.True(capture is not null, $"{stream.Hub} has no capture.");
            Assert.True((bool?)capture!["enabled"], $"{stream.Hub}: capture disabled.");
            Assert.Equal("Avro", (string?)capture["encoding"]);
            Assert.Equal(300, (int?)capture["intervalInSeconds"]);
            Assert.Equal(314572800, (int?)capture["sizeLimitInBytes"]);
            var destination = capture["destination"]!;
            Assert.Equal("EventHubArchive.AzureBlockBlob", (string?)destination["name"]);
            Assert.Equal("SystemAssigned", (string?)destination["identity"]?["type"]);
            Assert.Equal((string)archive["id"]!, (string?)destination["properties"]!["storageAccountResourceId"]);
            Assert.Equal($"archive-{domain.Name}", (string?)destination["properties"]!["blobContainer"]);
            Assert.Equal(ArchiveNameFormat, (string?)destination["properties"]!["archiveNameFormat"]);
            // No key-based destination.
            Assert.DoesNotContain("sas", destination.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Every_namespace_has_a_system_assigned_identity_with_only_blob_data_contributor_on_its_own_archive_container()
    {
        var namespaces = infra.Resources("Microsoft.EventHub/namespaces").ToList();
        var assignments = infra.Resources("Microsoft.Authorization/roleAssignments")
            .Where(a => ((string)a["properties"]!["principalId"]!).Contains("/providers/Microsoft.EventHub/namespaces/", StringComparison.Ordinal))
            .ToList();
        var archive = (string)ArchiveAccount()["id"]!;

        Assert.Equal(infra.Catalog.Domains.Count, namespaces.Count);
        foreach (var ns in namespaces)
        {
            Assert.Equal("SystemAssigned", (string?)ns["identity"]?["type"]);
            var domain = infra.Catalog.Domains.Single(d => ((string)ns["name"]!).StartsWith($"evhns-{d.Name}-", StringComparison.Ordinal));
            var own = assignments.Where(a => ((string)a["properties"]!["principalId"]!).Contains($"'{(string)ns["id"]!}'", StringComparison.Ordinal)).ToList();
            var grant = Assert.Single(own);
            Assert.EndsWith("/" + BlobDataContributor, (string)grant["properties"]!["roleDefinitionId"]!, StringComparison.Ordinal);
            // Scoped to the domain's container (the id is extensionResourceId('<container id>', ...): its name needs the principal id).
            Assert.StartsWith($"[extensionResourceId('{archive}/blobServices/default/containers/archive-{domain.Name}', 'Microsoft.Authorization/roleAssignments', ", (string)grant["id"]!, StringComparison.Ordinal);
        }

        // Nobody else writes the archive.
        Assert.All(
            infra.Resources("Microsoft.Authorization/roleAssignments").Where(a => ((string)a["id"]!).Contains(archive, StringComparison.Ordinal)),
            a => Assert.Contains(a, assignments));
    }

    [Fact]
    public void The_archive_refuses_keys_keeps_versions_and_deleted_blobs_moves_old_blobs_to_cool_and_cold_and_never_deletes()
    {
        var account = ArchiveAccount();
        var p = account["properties"]!;
        Assert.False((bool?)p["allowSharedKeyAccess"] ?? true);
        Assert.False((bool?)p["allowBlobPublicAccess"] ?? true);
        Assert.Equal("TLS1_2", (string?)p["minimumTlsVersion"]);

        var blob = Assert.Single(infra.Resources("Microsoft.Storage/storageAccounts/blobServices"), b => ((string)b["name"]!).StartsWith((string)account["name"]! + "/", StringComparison.Ordinal))["properties"]!;
        Assert.True((bool?)blob["isVersioningEnabled"]);
        Assert.True((bool?)blob["deleteRetentionPolicy"]!["enabled"]);
        Assert.Equal(365, (int?)blob["deleteRetentionPolicy"]!["days"]);
        Assert.True((bool?)blob["containerDeleteRetentionPolicy"]!["enabled"]);

        var policy = Assert.Single(infra.Resources("Microsoft.Storage/storageAccounts/managementPolicies"));
        var actions = Assert.Single(policy["properties"]!["policy"]!["rules"]!.AsArray())!["definition"]!["actions"]!;
        Assert.NotNull(actions["baseBlob"]!["tierToCool"]);
        Assert.NotNull(actions["baseBlob"]!["tierToCold"]);
        Assert.DoesNotContain("delete", actions.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        var archiveLock = Assert.Single(infra.Resources("Microsoft.Authorization/locks"));
        Assert.Equal("CanNotDelete", (string?)archiveLock["properties"]!["level"]);
        Assert.StartsWith((string)account["id"]!, (string)archiveLock["id"]!, StringComparison.Ordinal);

        Assert.Equal(
            infra.Catalog.Domains.Select(d => $"{account["name"]}/default/archive-{d.Name}").Order(),
            infra.Resources("Microsoft.Storage/storageAccounts/blobServices/containers").Select(c => (string)c["name"]!).Where(n => n.Contains("/archive-", StringComparison.Ordinal)).Order());
    }

    private JsonObject ArchiveAccount() =>
        Assert.Single(infra.Resources("Microsoft.Storage/storageAccounts"), a => (string?)a["tags"]?["purpose"] == "stream-archive");
}
