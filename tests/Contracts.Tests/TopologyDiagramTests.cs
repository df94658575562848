namespace Store.Contracts.Tests;

/// <summary>The README's topology diagram is what <see cref="TopologyDiagram"/> generates from the catalog.</summary>
public sealed class TopologyDiagramTests
{
    [Fact]
    public void ReadmeDiagram_IsGeneratedFromTheCatalog()
    {
        var readme = File.ReadAllText(RepoFiles.Path("README.md")).ReplaceLineEndings("\n");
        var expected = TopologyDiagram.Generate(EventCatalog.Current);

        Assert.True(TopologyDiagram.Splice(readme, expected) == readme, "README topology is out of date; run: .ci/regenerate\n" + expected);
    }

    [Fact]
    public void Diagram_ShowsEveryOwnerStreamAndConsumer()
    {
        var diagram = TopologyDiagram.Generate(EventCatalog.Current);
        foreach (var (domain, stream) in EventCatalog.Current.Streams.Where(s => !s.Stream.DeadLetter))
        {
            Assert.Contains($"{domain.Owner} == owns ==> {stream.Hub.Replace("-", "_", StringComparison.Ordinal)}", diagram, StringComparison.Ordinal);
            foreach (var consumer in stream.Consumers)
            {
                Assert.Contains($"-- {consumer.ConsumerGroup} --> {consumer.Context}", diagram, StringComparison.Ordinal);
            }
        }
    }
}
