namespace Store.Eventing.Catalog;

/// <summary>The stream catalog (<c>schemas/catalog.json</c>): domains, hubs, owners, event types and consumers.</summary>
public sealed partial record EventCatalog(
    string System,
    string StateStorageSetting,
    IReadOnlyList<ContextInfo> Contexts,
    IReadOnlyList<DomainInfo> Domains,
    IReadOnlyList<EventTypeInfo> EventTypes)
{
    /// <summary>Reads a catalog from its JSON text, every stream given the catalog's partition count.</summary>
    public static EventCatalog Parse(string json) =>
        (JsonSerializer.Deserialize(json, CatalogJsonContext.Default.EventCatalog)
            ?? throw new InvalidOperationException("schemas/catalog.json is empty.")).WithDefaultPartitions();

    /// <summary>
    /// Every hub's partition count unless a deployment sets its own (infra/main.bicep <c>eventHubPartitions</c>): one value
    /// for all hubs, 1-32 (Event Hubs Standard).
    /// </summary>
    public int Partitions { get; init; }

    /// <summary>Gives every stream the catalog's partition count (streams carry none of their own).</summary>
    public EventCatalog WithDefaultPartitions()
    {
        if (Partitions is < 1 or > 32)
        {
            throw new InvalidOperationException($"schemas/catalog.json: partitions {Partitions} is outside 1-32 (Event Hubs Standard).");
        }

        if (Streams.FirstOrDefault(s => s.Stream.Partitions != 0) is { Stream: not null } own)
        {
            throw new InvalidOperationException($"schemas/catalog.json: stream '{own.Stream.Hub}' sets its own partitions; every hub takes the catalog's (a deployment parameter).");
        }

        if (EventTypes.FirstOrDefault(t => t.SupersededBy is { } newer && !SameEventNewerVersion(t.Type, newer)) is { } bad)
        {
            throw new InvalidOperationException($"schemas/catalog.json: '{bad.Type}' is superseded by '{bad.SupersededBy}', which is not a later major version of the same event.");
        }

        if (EventTypes.FirstOrDefault(t => t.SupersededBy is { } newer && EventTypes.All(n => n.Type != newer)) is { } missing)
        {
            throw new InvalidOperationException($"schemas/catalog.json: '{missing.Type}' is superseded by '{missing.SupersededBy}', which is not in eventTypes.");
        }

        return this with { Domains = [.. Domains.Select(d => d with { Streams = [.. d.Streams.Select(s => s with { Partitions = Partitions })] })] };
    }

    /// <summary>True when <paramref name="newer"/> is <paramref name="older"/>'s event (<c>domain.event</c>) at a higher major version.</summary>
    public static bool SameEventNewerVersion(string older, string newer) =>
        Split(older) is ({ } name, var from) && Split(newer) is ({ } same, var to) && name == same && to > from;

    // "sales.order-placed.v2" -> ("sales.order-placed", 2); a type without a ".v<n>" suffix -> (null, 0).
    private static (string? Name, int Major) Split(string type) =>
        type.LastIndexOf(".v", StringComparison.Ordinal) is var at and > 0 && int.TryParse(type.AsSpan(at + 2), global::System.Globalization.NumberStyles.None, global::System.Globalization.CultureInfo.InvariantCulture, out var major)
            ? (type[..at], major)
            : (null, 0);

    /// <summary>Event types producers send: every type that no newer version supersedes.</summary>
    public bool IsSent(string type) => EventTypes.FirstOrDefault(t => t.Type == type)?.SupersededBy is null;

    /// <summary>Every stream with the domain that holds it.</summary>
    public IEnumerable<(DomainInfo Domain, StreamInfo Stream)> Streams =>
        Domains.SelectMany(d => d.Streams.Select(s => (d, s)));

    /// <summary>The dead-letter hub every context sends failed events to.</summary>
    public StreamInfo DeadLetterStream => Streams.Single(s => s.Stream.DeadLetter).Stream;

    public (DomainInfo Domain, StreamInfo Stream) Stream(string hub) =>
        Streams.FirstOrDefault(s => s.Stream.Hub == hub) is { Stream: not null } found
            ? found
            : throw new KeyNotFoundException($"Hub '{hub}' is not in schemas/catalog.json.");

    /// <summary>The app-setting name of the Event Hubs connection for a hub (one per domain namespace).</summary>
    public string ConnectionFor(string hub) => Stream(hub).Domain.Connection;

    /// <summary>Hubs a context may send to: the streams of the domains it owns, plus the dead-letter hub.</summary>
    public IReadOnlyList<string> HubsSentBy(string context) =>
        Streams.Where(s => SendersOf(s.Domain, s.Stream).Contains(context)).Select(s => s.Stream.Hub).ToArray();

    /// <summary>
    /// The contexts that send to a stream: the ones it lists, else every context for the dead-letter stream (any context
    /// may dead-letter), else its domain's owner. A new context is a sender of dead letters by being in <c>contexts</c>.
    /// </summary>
    public IReadOnlyList<string> SendersOf(DomainInfo domain, StreamInfo stream) =>
        stream.Senders ?? (stream.DeadLetter ? [.. Contexts.Select(c => c.Name)] : [domain.Owner]);

    /// <summary>Hubs a context consumes, with its consumer group.</summary>
    public IReadOnlyList<(string Hub, string ConsumerGroup)> HubsConsumedBy(string context) =>
        Streams.SelectMany(s => s.Stream.Consumers.Where(c => c.Context == context).Select(c => (s.Stream.Hub, c.ConsumerGroup)))
            .ToArray();

    /// <summary>The one consumer group a context reads every hub with.</summary>
    public string ConsumerGroupOf(string context) =>
        HubsConsumedBy(context).Select(h => h.ConsumerGroup).Distinct().ToArray() is [var group]
            ? group
            : throw new InvalidOperationException($"Context '{context}' must consume with exactly one consumer group in schemas/catalog.json.");
}

/// <summary>A bounded context (one function app).</summary>
public sealed record ContextInfo(string Name, string Kind, string Description);

/// <summary>A domain: one Event Hubs namespace owned by one context.</summary>
public sealed record DomainInfo(string Name, string Owner, string Connection, IReadOnlyList<StreamInfo> Streams);

/// <summary>A stream (event hub).</summary>
public sealed record StreamInfo(
    string Hub,
    int Partitions,
    int RetentionHours,
    IReadOnlyList<string> Events,
    IReadOnlyList<ConsumerInfo> Consumers,
    bool DeadLetter = false,
    IReadOnlyList<string>? Senders = null);

/// <summary>A consuming context and its own consumer group.</summary>
public sealed record ConsumerInfo(string Context, string ConsumerGroup);

/// <summary>
/// An event type: CloudEvents <c>type</c>, schema path under <c>schemas/</c> and the data field used as partition key.
/// <paramref name="SupersededBy"/> names the newer major version producers send instead: the type is no longer sent,
/// but stays on its hub and readable (upcast to the newer version) for as long as the archive holds it.
/// </summary>
public sealed record EventTypeInfo(string Type, string Schema, string PartitionKey, string? SupersededBy = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(EventCatalog))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
