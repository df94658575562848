namespace Store.Contracts.Tests;

/// <summary>
/// The README's topology diagram, generated from the catalog between two markers. <c>.ci/regenerate</c> (tests/Regenerate)
/// writes it and <c>TopologyDiagramTests</c> checks it, both through this class.
/// </summary>
public static class TopologyDiagram
{
    public const string Start = "<!-- topology:start (generated from schemas/catalog.json by .ci/regenerate) -->";
    public const string End = "<!-- topology:end -->";

    /// <summary>Mermaid flowchart: contexts (rounded), streams (cylinders), owner → stream → consumer.</summary>
    public static string Generate(EventCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
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

    /// <summary>The README with <paramref name="diagram"/> between the markers (the README as it should be checked in).</summary>
    public static string Splice(string readme, string diagram)
    {
        ArgumentNullException.ThrowIfNull(readme);
        var start = readme.IndexOf(Start, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException($"README.md needs the markers {Start} and {End}.");
        }

        return readme[..(start + Start.Length)] + "\n" + diagram + readme[end..];
    }
}
