using Infra.Tests.Support;
using Store.Contracts.Tests;
using Store.Contracts.Tests.AsyncApi;
using Store.TestSupport;

// Writes every text file derived from schemas/catalog.json and the event JSON Schemas, with the same generators the tests
// check those files with. A file is written only when its content differs, so a second run changes nothing (not even mtimes).
// `add-context <Name> --consumes <hubs>` (or `--pending`, as the store-context template runs it) first adds a context to
// the catalog: tests/Regenerate/AddContext.cs.
if (args is ["add-context", .. var rest] && Store.Regenerate.AddContext.Run(rest) is var added and not 0)
{
    return added;
}

var catalog = EventCatalog.Parse(File.ReadAllText(RepoFiles.Path("schemas", "catalog.json")));

Update("README.md", readme => TopologyDiagram.Splice(readme, TopologyDiagram.Generate(catalog)));
Update(AsyncApiGenerator.RelativePath, _ => AsyncApiGenerator.Render(
    AsyncApiGenerator.Build(catalog, schema => File.ReadAllText(RepoFiles.Path("schemas", schema)), SchemaSamples.Valid)));
Update(EmulatorConfig.RelativePath, _ => EmulatorConfig.Generate(
    catalog.Partitions, catalog.Streams.Select(s => (s.Stream.Hub, s.Stream.Consumers.Select(c => c.ConsumerGroup)))));
Update(AzureYaml.RelativePath, yaml => AzureYaml.Splice(yaml, catalog));
return 0;

static void Update(string relativePath, Func<string, string> generate)
{
    var path = RepoFiles.Path(relativePath);
    // Compared with LF line endings, as the tests compare, so a CRLF checkout is not rewritten on every run.
    var current = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
    var expected = generate(current);
    if (File.Exists(path) && current == expected)
    {
        Console.WriteLine($"unchanged  {relativePath}");
        return;
    }

    File.WriteAllText(path, expected);
    Console.WriteLine($"rewritten  {relativePath}");
}
