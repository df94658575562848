namespace Infra.Tests;

/// <summary>
/// The stream archive (the system of record): Event Hubs Capture of every catalog hub into its domain's container of the
/// archive account, written by one user-assigned identity granted before any namespace exists, and protected against deletion.
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
            Assert.Equal("UserAssigned", (string?)destination["identity"]?["type"]);
            Assert.Equal((string)archive["id"]!, (string?)destination["properties"]!["storageAccountResourceId"]);
            Assert.Equal($"archive-{domain.Name}", (string?)destination["properties"]!["blobContainer"]);
            Assert.Equal(ArchiveNameFormat, (string?)destination["properties"]!["archiveNameFormat"]);
            // No key-based destination.
            Assert.DoesNotContain("sas", destination.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Capture_writes_as_one_user_assigned_identity_granted_on_the_archive_account_before_any_namespace_is_created()
    {
        var archive = (string)ArchiveAccount()["id"]!;
        var identity = Assert.Single(infra.Resources("Microsoft.ManagedIdentity/userAssignedIdentities"), i => (string?)i["tags"]?["purpose"] == "stream-capture");
        var identityId = (string)identity["id"]!;

        // Every namespace carries the identity and every hub captures as it.
        foreach (var ns in infra.Resources("Microsoft.EventHub/namespaces"))
        {
            Assert.Equal("UserAssigned", (string?)ns["identity"]?["type"]);
            Assert.True(ns["identity"]!["userAssignedIdentities"]!.AsObject().ContainsKey(identityId), $"{ns["name"]} lacks the capture identity.");
        }

        foreach (var hub in infra.Resources("Microsoft.EventHub/namespaces/eventhubs"))
        {
            var destinationIdentity = hub["properties"]!["captureDescription"]!["destination"]!["identity"]!;
            Assert.Equal("UserAssigned", (string?)destinationIdentity["type"]);
            Assert.Equal(identityId, (string?)destinationIdentity["userAssignedIdentity"]);
        }

        // One grant, as the Event Hubs docs give it: Storage Blob Data Contributor on the archive account. Nobody else writes there.
        var grant = Assert.Single(infra.Resources("Microsoft.Authorization/roleAssignments"), a => ((string)a["properties"]!["principalId"]!).Contains($"'{identityId}'", StringComparison.Ordinal));
        Assert.EndsWith("/" + BlobDataContributor, (string)grant["properties"]!["roleDefinitionId"]!, StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", (string?)grant["properties"]!["principalType"]);
        Assert.StartsWith($"[extensionResourceId('{archive}', 'Microsoft.Authorization/roleAssignments', ", (string)grant["id"]!, StringComparison.Ordinal);
        Assert.Equal([grant], infra.Resources("Microsoft.Authorization/roleAssignments").Where(a => ((string)a["id"]!).Contains(archive, StringComparison.Ordinal)));

        // The identity and its grant are made in a module that every domain's streams deployment waits for, so the grant
        // exists before a namespace (and so any hub validating its capture destination) is created.
        var main = JsonNode.Parse(infra.Builds["infra/main.bicep"].Json!)!["resources"]!.AsObject();
        var granting = Assert.Single(main, m => Declares(m.Value!, "Microsoft.ManagedIdentity/userAssignedIdentities", "stream-capture")).Key;
        Assert.True(Declares(main[granting]!, "Microsoft.Authorization/roleAssignments"), $"{granting} creates the capture identity but not its grant.");
        var streams = main.Where(m => Declares(m.Value!, "Microsoft.EventHub/namespaces")).ToList();
        Assert.NotEmpty(streams);
        Assert.All(streams, s => Assert.Contains(granting, s.Value!["dependsOn"]!.AsArray().Select(d => (string?)d)));
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

    /// <summary>Whether a nested deployment creates (not merely references) a resource of the type, at any depth.</summary>
    private static bool Declares(JsonNode deployment, string type, string? mentioning = null) =>
        (string?)deployment["type"] == "Microsoft.Resources/deployments"
        && deployment["properties"]!["template"]!["resources"] is JsonNode resources
        && (resources is JsonObject o ? o.Select(p => p.Value!) : resources.AsArray().Select(r => r!))
            .Any(r => ((string?)r["type"] == type && r["existing"] is null && (mentioning is null || r.ToJsonString().Contains(mentioning, StringComparison.Ordinal)))
                      || Declares(r, type, mentioning));

    private JsonObject ArchiveAccount() =>
        Assert.Single(infra.Resources("Microsoft.Storage/storageAccounts"), a => (string?)a["tags"]?["purpose"] == "stream-archive");
}
