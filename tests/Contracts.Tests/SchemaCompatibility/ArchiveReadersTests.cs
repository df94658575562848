using System.Reflection;
using System.Text.Json.Serialization;
using Store.Eventing.CloudEvents;

namespace Store.Contracts.Tests.SchemaCompatibility;

/// <summary>
/// Deprecation without loss: every event type that was ever on a hub (any committed revision of the catalog: the archive
/// may hold it) has a reader in every context that consumes the hub and reads that event at all: a record with its
/// CloudEvents type, directly or as an older version that upcasts. A context reading no version of an event skips it
/// by design; one reading some versions but not another would skip that version's events silently.
/// </summary>
public sealed class ArchiveReadersTests
{
    [GitHeadFact]
    public void EveryTypeEverOnAHub_HasAReaderInEveryConsumerThatReadsThatEvent()
    {
        var catalog = EventCatalog.Current;
        var consumers = catalog.Streams.ToDictionary(s => s.Stream.Hub, s => (IReadOnlyList<string>)[.. s.Stream.Consumers.Select(c => c.Context)]);
        var readers = catalog.Contexts.ToDictionary(c => c.Name, c => ReadersOf(c.Name));

        var missing = MissingReaders(SchemaHistory.PublishedEver(RepoFiles.Root), consumers, readers);

        Assert.True(missing.Count == 0, "Event types the archive may hold that a consumer cannot read (keep a record of every version, or an upcaster, "
            + "for as long as the archive holds it):\n" + string.Join('\n', missing));
        Assert.Contains("sales.order-placed.v1", readers["Payments"]);
    }

    [Fact]
    public void A_consumer_without_a_reader_for_an_archived_version_is_named()
    {
        var published = new Dictionary<(string, string), string>
        {
            [("sales-orders", "sales.order-placed.v1")] = "abc1234567",
            [("sales-orders", "sales.order-placed.v2")] = "working tree",
            [("sales-orders", "sales.order-cancelled.v1")] = "abc1234567",
            [("gone", "sales.order-placed.v1")] = "abc1234567",
        };
        var consumers = new Dictionary<string, IReadOnlyList<string>> { ["sales-orders"] = ["Payments", "Tracking", "Operations"] };
        var readers = new Dictionary<string, IReadOnlySet<string>>
        {
            ["Payments"] = new HashSet<string> { "sales.order-placed.v2" },
            ["Tracking"] = new HashSet<string> { "sales.order-placed.v1", "sales.order-placed.v2", "sales.order-cancelled.v1" },
        };

        Assert.Equal(["Payments cannot read sales.order-placed.v1 on sales-orders (published since abc1234567) but reads sales.order-placed.v2"],
            MissingReaders(published, consumers, readers));
    }

    /// <summary>The CloudEvents types a context's JSON contexts serialize as <c>[CloudEventType]</c> records: what the kit registers for it.</summary>
    internal static IReadOnlySet<string> ReadersOf(string context) =>
        Assembly.Load(context).GetTypes()
            .Where(t => t.IsSubclassOf(typeof(JsonSerializerContext)))
            .SelectMany(EventTypesOf)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The CloudEvents types of the <c>[CloudEventType]</c> records JSON context <paramref name="json"/> serializes.</summary>
    internal static IEnumerable<string> EventTypesOf(Type json) =>
        json.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(JsonSerializableAttribute))
            .Select(a => CloudEventTypeAttribute.Find((Type)a.ConstructorArguments[0].Value!))
            .OfType<string>();

    /// <summary>
    /// Each (hub, type) ever published whose current consumers read another version of the event but not this one.
    /// Consumers that are not contexts with code (Operations tooling) are not checked.
    /// </summary>
    internal static List<string> MissingReaders(
        IReadOnlyDictionary<(string Hub, string Type), string> published,
        IReadOnlyDictionary<string, IReadOnlyList<string>> consumersByHub,
        IReadOnlyDictionary<string, IReadOnlySet<string>> readersByContext) =>
    [
        .. from entry in published.OrderBy(p => p.Key.Hub, StringComparer.Ordinal).ThenBy(p => p.Key.Type, StringComparer.Ordinal)
           from context in consumersByHub.GetValueOrDefault(entry.Key.Hub) ?? []
           let reads = readersByContext.GetValueOrDefault(context)
           where reads is not null && !reads.Contains(entry.Key.Type)
           let other = reads.Where(r => CloudEventTypeAttribute.EventOf(r) == CloudEventTypeAttribute.EventOf(entry.Key.Type)).Order(StringComparer.Ordinal).ToList()
           where other.Count > 0
           select $"{context} cannot read {entry.Key.Type} on {entry.Key.Hub} (published since {entry.Value}) but reads {string.Join(", ", other)}",
    ];
}
