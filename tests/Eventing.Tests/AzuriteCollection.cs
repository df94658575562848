using Store.TestSupport;

namespace Store.Eventing.Tests;

/// <summary>All Azurite-backed tests of this assembly share one Azurite; each uses its own tables.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
