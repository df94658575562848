using Store.TestSupport;

namespace Store.LocalHost.Tests;

/// <summary>All Azurite-backed tests of this assembly share one Azurite; each uses its own tables (replay runs start their own, empty one).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
