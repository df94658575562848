namespace Store.Contracts.Tests.AsyncApi;

/// <summary>
/// <c>schemas/asyncapi.yaml</c> is generated from the catalog and the JSON Schemas, and says what the catalog says.
/// Regenerate it with <c>.ci/regenerate</c>.
/// </summary>
public sealed class AsyncApiDocumentTests
{
    private static readonly EventCatalog Catalog = EventCatalog.Current;

    internal static JsonObject Generate() =>
        AsyncApiGenerator.Build(Catalog, path => File.ReadAllText(RepoFiles.Path("schemas", path)), SchemaSampleTests.Samples);

    private static JsonObject Document { get; } = Generate();

    [Fact]
    public void CheckedInDocument_IsGeneratedFromTheCatalogAndSchemas()
    {
        var path = RepoFiles.Path(AsyncApiGenerator.RelativePath);
        var expected = AsyncApiGenerator.Render(Generate());
        var actual = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal) : null;

        Assert.True(actual is not null, $"{AsyncApiGenerator.RelativePath} is missing; create it with: {AsyncApiGenerator.RegenerateCommand}");
        Assert.True(actual == expected, $"{AsyncApiGenerator.RelativePath} is out of date with the catalog or schemas; run: {AsyncApiGenerator.RegenerateCommand}\n{FirstDifference(expected, actual!)}");
    }

    [Fact]
    public void Render_IsDeterministic()
    {
        Assert.Equal(AsyncApiGenerator.Render(Generate()), AsyncApiGenerator.Render(Generate()));
    }

    [Fact]
    public void EveryDomain_IsAnAmqpServer_PlusTheEmulator()
    {
        var servers = Document["servers"]!.AsObject();
        Assert.Equal([.. Catalog.Domains.Select(d => d.Name), "emulator"], servers.Select(s => s.Key));
        foreach (var domain in Catalog.Domains)
        {
            Assert.Equal("{namespace}.servicebus.windows.net", (string?)servers[domain.Name]!["host"]);
            Assert.Equal("amqp", (string?)servers[domain.Name]!["protocol"]);
            Assert.Equal(domain.Connection, (string?)servers[domain.Name]!["x-connectionSetting"]);
        }
    }

    [Fact]
    public void EveryHub_IsAChannel_WithItsPartitionsRetentionServerAndEvents()
    {
        var channels = Document["channels"]!.AsObject();
        Assert.Equal(Catalog.Streams.Select(s => s.Stream.Hub), channels.Select(c => c.Key));
        foreach (var (domain, stream) in Catalog.Streams)
        {
            var channel = channels[stream.Hub]!;
            Assert.Equal(stream.Hub, (string?)channel["address"]);
            Assert.Equal(stream.Partitions, (int)channel["x-eventHubs"]!["partitionCount"]!);
            Assert.Equal(stream.RetentionHours, (int)channel["x-eventHubs"]!["retentionHours"]!);
            Assert.Equal(stream.DeadLetter, (bool)channel["x-eventHubs"]!["deadLetter"]!);
            Assert.Equal($"#/servers/{domain.Name}", (string?)channel["servers"]![0]!["$ref"]);
            Assert.Equal(stream.Events, channel["messages"]!.AsObject().Select(m => m.Key));
            Assert.Equal(
                stream.Consumers.Select(c => $"{c.Context}:{c.ConsumerGroup}"),
                channel["x-eventHubs"]!["consumerGroups"]!.AsArray().Select(c => $"{c!["context"]}:{c["consumerGroup"]}"));
        }
    }

    [Fact]
    public void EveryEventType_IsAStructuredCloudEventMessage_WhoseDataIsItsJsonSchema()
    {
        var messages = Document["components"]!["messages"]!.AsObject();
        var schemas = Document["components"]!["schemas"]!.AsObject();
        Assert.Equal(Catalog.EventTypes.Select(t => t.Type).Order(), messages.Select(m => m.Key).Order());
        foreach (var type in Catalog.EventTypes)
        {
            var file = JsonNode.Parse(File.ReadAllText(RepoFiles.Path("schemas", type.Schema)))!.AsObject();
            var payload = messages[type.Type]!["payload"]!["allOf"]!.AsArray();
            Assert.Equal("#/components/schemas/CloudEvent", (string?)payload[0]!["$ref"]);
            var narrowed = payload[1]!["properties"]!;
            Assert.Equal(type.Type, (string?)narrowed["type"]!["const"]);
            Assert.Equal((string?)file["$id"], (string?)narrowed["dataschema"]!["const"]);
            Assert.Equal($"#/components/schemas/{type.Type}", (string?)narrowed["data"]!["$ref"]);

            // The embedded schema is the file without the dialect and id keywords, nothing added or lost.
            file.Remove("$schema");
            file.Remove("$id");
            Assert.True(JsonNode.DeepEquals(file, schemas[type.Type]), $"{type.Type}: embedded schema differs from schemas/{type.Schema}");
            Assert.Equal("$message.payload#/subject", (string?)messages[type.Type]!["correlationId"]!["location"]);
            Assert.Equal(type.PartitionKey, (string?)messages[type.Type]!["x-partitionKey"]);
        }

        var envelope = schemas["CloudEvent"]!["properties"]!.AsObject().Select(p => p.Key);
        Assert.Equal(["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "traceparent", "data"], envelope);
    }

    [Fact]
    public void Operations_AreWhatEachContextSendsAndReceives_WithItsConsumerGroup()
    {
        var operations = Document["operations"]!.AsObject();
        foreach (var context in Catalog.Contexts.Select(c => c.Name))
        {
            var sends = operations.Where(o => (string?)o.Value!["x-context"] == context && (string?)o.Value["action"] == "send")
                .Select(o => ((string?)o.Value!["channel"]!["$ref"])!.Replace("#/channels/", "", StringComparison.Ordinal));
            Assert.Equal(Catalog.HubsSentBy(context).Order(), sends.Order());
            Assert.Contains(Catalog.DeadLetterStream.Hub, sends);

            var receives = operations.Where(o => (string?)o.Value!["x-context"] == context && (string?)o.Value["action"] == "receive")
                .Select(o => (((string?)o.Value!["channel"]!["$ref"])!.Replace("#/channels/", "", StringComparison.Ordinal), (string?)o.Value["x-consumerGroup"]));
            Assert.Equal(Catalog.HubsConsumedBy(context).Select(h => (h.Hub, (string?)h.ConsumerGroup)).Order(), receives.Order());
        }

        // Every operation's messages are messages of its own channel (the parser checks this too).
        foreach (var (id, operation) in operations)
        {
            var channel = (string)operation!["channel"]!["$ref"]!;
            Assert.All(operation["messages"]!.AsArray(), m => Assert.StartsWith(channel + "/messages/", (string)m!["$ref"]!, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ASchemaKeywordWithoutAPortableMeaning_StopsGeneration()
    {
        var withPrefixItems = """{"$id":"https://schemas.store.example/sales/order-placed.v1.json","type":"object","properties":{"pair":{"type":"array","prefixItems":[{"type":"string"}]}}}""";
        var ex = Assert.Throws<InvalidOperationException>(() => AsyncApiGenerator.Build(Catalog, _ => withPrefixItems, new Dictionary<string, string>()));
        Assert.Contains("'prefixItems' at '/pair'", ex.Message, StringComparison.Ordinal);
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end of file>";
            var right = i < a.Length ? a[i] : "<end of file>";
            if (left != right)
            {
                return $"first difference at line {i + 1}:\n  expected: {left}\n  checked in: {right}";
            }
        }

        return "";
    }
}
