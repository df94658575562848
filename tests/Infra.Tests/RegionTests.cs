namespace Infra.Tests;

/// <summary>
/// Every region main.bicep allows can be deployed: the archive asks for zone-redundant storage only where standard
/// accounts offer it, and geo-redundant storage elsewhere; every other account is locally redundant (offered everywhere).
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class RegionTests(InfraFixture infra)
{
    /// <summary>
    /// Allowed regions that offer no ZRS for standard general-purpose v2 accounts (Microsoft docs, "Azure regions that
    /// support zone-redundant storage"); each has a paired region, so GRS is available.
    /// </summary>
    private static readonly string[] WithoutZrs = ["australiasoutheast", "northcentralus", "southindia", "ukwest", "westcentralus", "westus"];

    public static TheoryData<string, string> RegionsAndArchiveSkus()
    {
        var data = new TheoryData<string, string> { { "eastus2", "Standard_ZRS" } };
        foreach (var region in WithoutZrs)
        {
            data.Add(region, "Standard_GRS");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RegionsAndArchiveSkus))]
    public void The_archive_uses_a_redundancy_the_region_offers_and_every_other_account_is_locally_redundant(string region, string archiveSku)
    {
        var snapshot = region == "eastus2" ? infra.Snapshot : infra.SnapshotAt(region);
        var accounts = snapshot["predictedResources"]!.AsArray().OfType<JsonObject>()
            .Where(r => (string?)r["type"] == "Microsoft.Storage/storageAccounts").ToList();

        Assert.All(accounts, a => Assert.Equal(region, (string?)a["location"]));
        var archive = Assert.Single(accounts, a => (string?)a["tags"]?["purpose"] == "stream-archive");
        Assert.Equal(archiveSku, (string?)archive["sku"]!["name"]);
        Assert.All(accounts.Where(a => a != archive), a => Assert.Equal("Standard_LRS", (string?)a["sku"]!["name"]));
    }

    [Fact]
    public void The_regions_without_zrs_are_all_still_allowed()
    {
        var allowed = JsonNode.Parse(infra.Builds["infra/main.bicep"].Json!)!["parameters"]!["location"]!["allowedValues"]!.AsArray().Select(v => (string)v!).ToList();

        Assert.All(WithoutZrs, r => Assert.Contains(r, allowed));
    }
}
