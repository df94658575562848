using Xunit;

namespace Store.TestSupport;

/// <summary>
/// All Azurite-backed tests of an assembly share one Azurite; each uses its own tables. xunit reads collection definitions
/// from the test assembly only, so tests/Directory.Build.targets compiles this one file into every test project that
/// references TestSupport (and TestSupport itself leaves it out).
/// </summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
