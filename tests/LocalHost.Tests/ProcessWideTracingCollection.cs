namespace Store.LocalHost.Tests;

/// <summary>
/// Tests that listen to every activity in the process (the trace recorder is process-wide): they run alone, after the
/// parallel collections, so another test's orders (the system property test ships many) cannot become their traces.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTracingCollection
{
    public const string Name = "Process-wide tracing";
}
