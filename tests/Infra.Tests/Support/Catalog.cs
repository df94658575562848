using System.Text.Json.Serialization;

namespace Infra.Tests.Support;

/// <summary>The parts of schemas/catalog.json the infrastructure derives from (<c>partitions</c>: every hub's default partition count).</summary>
public sealed record Catalog(
    [property: JsonPropertyName("system")] string System,
    [property: JsonPropertyName("contexts")] IReadOnlyList<CatalogContext> Contexts,
    [property: JsonPropertyName("domains")] IReadOnlyList<CatalogDomain> Domains,
    [property: JsonPropertyName("stateStorageSetting")] string StateStorageSetting,
    [property: JsonPropertyName("partitions")] int Partitions)
{
    private static readonly JsonSerializerOptions Options = new() { ReadCommentHandling = JsonCommentHandling.Skip };

    public static Catalog Load() =>
        JsonSerializer.Deserialize<Catalog>(File.ReadAllText(Repo.CatalogPath), Options)
        ?? throw new InvalidOperationException("schemas/catalog.json is empty.");

    public IEnumerable<(CatalogDomain Domain, CatalogStream Stream)> Streams =>
        Domains.SelectMany(d => d.Streams.Select(s => (d, s)));

    /// <summary>Hubs a context may send to: streams that list it as a sender, else the dead-letter stream (every context), else its domain's streams.</summary>
    public IReadOnlySet<string> HubsSentBy(string context) =>
        Streams.Where(x => x.Stream.Senders is { } senders ? senders.Contains(context) : x.Stream.DeadLetter ? Contexts.Any(c => c.Name == context) : x.Domain.Owner == context)
            .Select(x => x.Stream.Hub).ToHashSet();

    public IReadOnlySet<string> HubsConsumedBy(string context) =>
        Streams.Where(x => x.Stream.Consumers.Any(c => c.Context == context)).Select(x => x.Stream.Hub).ToHashSet();

    public CatalogDomain DomainOf(string hub) => Streams.Single(x => x.Stream.Hub == hub).Domain;

    /// <summary>Connection setting names a context needs: one per domain it sends to or consumes from.</summary>
    public IReadOnlySet<string> ConnectionsOf(string context) =>
        HubsSentBy(context).Concat(HubsConsumedBy(context)).Select(h => DomainOf(h).Connection).ToHashSet();
}

public sealed record CatalogContext([property: JsonPropertyName("name")] string Name);

public sealed record CatalogDomain(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("connection")] string Connection,
    [property: JsonPropertyName("streams")] IReadOnlyList<CatalogStream> Streams);

public sealed record CatalogStream(
    [property: JsonPropertyName("hub")] string Hub,
    [property: JsonPropertyName("retentionHours")] int RetentionHours,
    [property: JsonPropertyName("deadLetter")] bool DeadLetter,
    [property: JsonPropertyName("senders")] IReadOnlyList<string>? Senders,
    [property: JsonPropertyName("consumers")] IReadOnlyList<CatalogConsumer> Consumers);

public sealed record CatalogConsumer(
    [property: JsonPropertyName("context")] string Context,
    [property: JsonPropertyName("consumerGroup")] string ConsumerGroup);
