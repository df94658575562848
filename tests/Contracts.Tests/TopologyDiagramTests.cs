namespace Store.Contracts.Tests;

/// <summary>
/// The README's topology diagram is generated from the catalog. When the catalog changes, regenerate it with
/// <c>UPDATE_TOPOLOGY=1 dotnet test tests/Contracts.Tests</c>.
/// </summary>
public sealed class TopologyDiagramTests
{
    private const string Start = "<!-- topology:start (generated from schemas/catalog.json by tests/Contracts.Tests) -->";
    private const string End = "<!-- topology:end -->";

    /// <summary>Mermaid flowchart: contexts (rounded), streams (cylinders), owner → stream → consumer.</summary>
    public static string Generate(EventCatalog catalog)
    {
        static string Id(string name) => name.Replace("-", "_", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.Append("```mermaid\nflowchart LR\n");
        foreach (var context in catalog.Contexts)
        {
            sb.Append($"  {context.Name}([{context.Name}])\n");
        }

        foreach (var (domain, stream) in catalog.Streams)
        {
            sb.Append($"  {Id(stream.Hub)}[(\"{stream.Hub}<br/>{stream.Partitions} partitions\")]\n");
        }

        foreach (var (domain, stream) in catalog.Streams)
        {
            var senders = stream.DeadLetter ? ["all contexts"] : new[] { domain.Owner };
            foreach (var sender in senders)
            {
                sb.Append(stream.DeadLetter
                    ? $"  AllContexts{{{{all contexts}}}} -. dead letters .-> {Id(stream.Hub)}\n"
                    : $"  {sender} == owns ==> {Id(stream.Hub)}\n");
            }

            foreach (var consumer in stream.Consumers)
            {
                sb.Append(catalog.Contexts.Any(c => c.Name == consumer.Context)
                    ? $"  {Id(stream.Hub)} -- {consumer.ConsumerGroup} --> {consumer.Context}\n"
                    : $"  {Id(stream.Hub)} -. {consumer.ConsumerGroup} .-> {consumer.Context}[/{consumer.Context} tooling/]\n");
            }
        }

        return sb.Append("```\n").ToString();
    }

    [Fact]
    public void ReadmeDiagram_IsGeneratedFromTheCatalog()
    {
        var readmePath = RepoFiles.Path("README.md");
        var readme = File.ReadAllText(readmePath);
        var start = readme.IndexOf(Start, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"README.md needs the markers {Start} and {End}.");

        var expected = Generate(EventCatalog.Current);
        var actual = readme[(start + Start.Length)..end].Trim('\n') + "\n";
        if (actual != expected && Environment.GetEnvironmentVariable("UPDATE_TOPOLOGY") == "1")
        {
            File.WriteAllText(readmePath, readme[..(start + Start.Length)] + "\n" + expected + readme[end..]);
            return;
        }

        Assert.True(actual == expected, "README topology is out of date; run: UPDATE_TOPOLOGY=1 dotnet test tests/Contracts.Tests\n" + expected);
    }

    [Fact]
    public void Diagram_ShowsEveryOwnerStreamAndConsumer()
    {
        var diagram = Generate(EventCatalog.Current);
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
