namespace Store.Contracts.Tests;

/// <summary>The catalog is the single source of truth; these tests keep it internally consistent and in step with the schema files.</summary>
public sealed class CatalogConsistencyTests
{
    private const string Platform = "Operations";
    private static readonly EventCatalog Catalog = EventCatalog.Current;
    private static readonly HashSet<string> Contexts = Catalog.Contexts.Select(c => c.Name).ToHashSet();

    [Fact]
    public void EmbeddedCatalog_IsTheCheckedInFile()
    {
        Assert.Equal(File.ReadAllText(RepoFiles.Path("schemas", "catalog.json")), EmbeddedSchemas.ReadText("catalog.json"));
    }

    [Fact]
    public void EveryContextHasAFunctionApp()
    {
        foreach (var context in Contexts)
        {
            Assert.True(File.Exists(RepoFiles.Path("functions", context, context + ".csproj")), $"functions/{context}/{context}.csproj is missing");
        }
    }

    [Fact]
    public void HubNamesAreUnique_AndEveryStreamIsOwnedByAContext()
    {
        var hubs = Catalog.Streams.Select(s => s.Stream.Hub).ToList();
        Assert.Equal(hubs.Count, hubs.Distinct().Count());
        foreach (var (domain, stream) in Catalog.Streams)
        {
            Assert.True(Contexts.Contains(domain.Owner) || (stream.DeadLetter && domain.Owner == Platform), $"{stream.Hub} is owned by unknown '{domain.Owner}'");
            Assert.InRange(stream.Partitions, 1, 32);
            Assert.InRange(stream.RetentionHours, 1, 168);
        }
    }

    [Fact]
    public void EachDomainHasItsOwnConnectionSetting()
    {
        var connections = Catalog.Domains.Select(d => d.Connection).ToList();
        Assert.Equal(connections.Count, connections.Distinct().Count());
        Assert.All(connections, c => Assert.Matches("^[A-Z][A-Za-z]+EventHubConnection$", c));
    }

    [Fact]
    public void EveryEventTypeIsCarriedByExactlyOneStream_AndNamedByItsDomain()
    {
        foreach (var type in Catalog.EventTypes)
        {
            var carriers = Catalog.Streams.Where(s => s.Stream.Events.Contains(type.Type)).ToList();
            var (domain, _) = Assert.Single(carriers);
            Assert.Matches(@"^[a-z]+\.[a-z-]+\.v[0-9]+$", type.Type);
            Assert.StartsWith(domain.Name + ".", type.Type, StringComparison.Ordinal);
        }

        var declared = Catalog.EventTypes.Select(t => t.Type).ToHashSet();
        Assert.All(Catalog.Streams.SelectMany(s => s.Stream.Events), e => Assert.Contains(e, declared));
    }

    [Fact]
    public void ConsumersAreContexts_WithOneUniqueConsumerGroupPerHub_NeverDefault()
    {
        foreach (var (_, stream) in Catalog.Streams)
        {
            Assert.All(stream.Consumers, c => Assert.True(Contexts.Contains(c.Context) || (stream.DeadLetter && c.Context == Platform), $"{stream.Hub}: unknown consumer {c.Context}"));
            Assert.Equal(stream.Consumers.Count, stream.Consumers.Select(c => c.ConsumerGroup).Distinct().Count());
            Assert.Equal(stream.Consumers.Count, stream.Consumers.Select(c => c.Context).Distinct().Count());
            Assert.All(stream.Consumers, c => Assert.NotEqual("$Default", c.ConsumerGroup));
        }
    }

    [Fact]
    public void ExactlyOneDeadLetterStream_WhichEveryContextMaySendTo()
    {
        var deadLetter = Assert.Single(Catalog.Streams, s => s.Stream.DeadLetter);
        Assert.Equal(Contexts.Order(), Catalog.SendersOf(deadLetter.Domain, deadLetter.Stream).Order());
        Assert.All(Contexts, c => Assert.Contains(deadLetter.Stream.Hub, Catalog.HubsSentBy(c)));
    }

    [Fact]
    public void EmulatorLimit_AtMostTenHubs()
    {
        Assert.InRange(Catalog.Streams.Count(), 1, 10);
    }

    [Fact]
    public void EveryEventTypeHasASchemaFile_WhoseIdTitleAndDialectMatch()
    {
        foreach (var type in Catalog.EventTypes)
        {
            var path = RepoFiles.Path("schemas", type.Schema);
            Assert.True(File.Exists(path), $"{type.Type}: schema file schemas/{type.Schema} is missing");
            var schema = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string?)schema["$schema"]);
            Assert.Equal("https://schemas.store.example/" + type.Schema, (string?)schema["$id"]);
            Assert.Equal(type.Type, (string?)schema["title"]);
            var expectedPath = type.Type.Split('.') is [var domain, var name, var version] ? $"{domain}/{name}.{version}.json" : "";
            Assert.Equal(expectedPath, type.Schema);
            Assert.Contains(type.PartitionKey, schema["required"]!.AsArray().Select(n => (string?)n));
        }
    }

    /// <summary>Every event schema is in the catalog; <c>schemas/http/</c> holds the HTTP edge's request contracts, which are not events.</summary>
    [Fact]
    public void EverySchemaFileIsInTheCatalog()
    {
        var inCatalog = Catalog.EventTypes.Select(t => t.Schema).ToHashSet();
        var files = Directory.GetFiles(RepoFiles.Path("schemas"), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoFiles.Path("schemas"), f).Replace('\\', '/'))
            .Where(f => f != "catalog.json" && !f.StartsWith("http/", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Contains(f, inCatalog));
    }
}
