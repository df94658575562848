using Store.TestSupport;

namespace Store.LocalHost.Tests;

/// <summary>All Azurite-backed tests of this assembly share one Azurite; each uses its own tables (replay runs start their own, empty one).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>
/// Tests that listen to every activity in the process (the trace recorder is process-wide): they run alone, after the
/// parallel collections, so another test's orders (the system property test ships many) cannot become their traces.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTracingCollection
{
    public const string Name = "Process-wide tracing";
}
