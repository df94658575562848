using System.Text.Json.Nodes;
using Store.Eventing.Catalog;

namespace Store.Eventing.Tests.CloudEvents;

/// <summary>Where an order ships (the test's own record of the v2 address).</summary>
public sealed record Address(string City, string Country);

/// <summary>The test consumer's record of <c>sales.order-placed.v2</c> (it binds only what it reads).</summary>
[CloudEventType(UpcastTests.V2)]
public sealed record PlacedV2(string OrderId, decimal Total, Address? ShippingAddress);

/// <summary>The test consumer's record of <c>sales.order-placed.v1</c>, read as v2 with no address.</summary>
[CloudEventType(UpcastTests.V1)]
public sealed record PlacedV1(string OrderId, decimal Total) : IUpcast<PlacedV2>
{
    public PlacedV2 Upcast() => new(OrderId, Total, ShippingAddress: null);
}

/// <summary>An old consumer's record of v1: no upcast, the version it was built for.</summary>
[CloudEventType(UpcastTests.V1)]
public sealed record PlacedV1Only(string OrderId, decimal Total);

/// <summary>An upcaster from a type the catalog does not say is superseded.</summary>
[CloudEventType(TestCodec.Received)]
public sealed record ReceivedUpcast(string Sku) : IUpcast<StockReserved>
{
    public StockReserved Upcast() => new("o", "c", []);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PlacedV1))]
[JsonSerializable(typeof(PlacedV2))]
public sealed partial class UpcastJson : JsonSerializerContext;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PlacedV1Only))]
public sealed partial class OldConsumerJson : JsonSerializerContext;

[JsonSerializable(typeof(PlacedV1))]
public sealed partial class UpcastWithoutTargetJson : JsonSerializerContext;

[JsonSerializable(typeof(ReceivedUpcast))]
[JsonSerializable(typeof(StockReserved))]
public sealed partial class NotSupersededJson : JsonSerializerContext;

/// <summary>Kit-level upcasting: old versions validated against their own schema, then seen by decisions as the newest record.</summary>
public sealed class UpcastTests
{
    public const string V1 = "sales.order-placed.v1", V2 = "sales.order-placed.v2";

    private static readonly CloudEventCodec Codec = new(new EventTypeRegistry().AddAll(UpcastJson.Default));

    private static byte[] Body(string type, string data) => Encoding.UTF8.GetBytes(
        $$"""{"specversion":"1.0","id":"e-1","source":"/store/sales","type":"{{type}}","subject":"O-1","time":"2026-01-01T00:00:00Z","data":{{data}}}""");

    private const string V1Data = """{"orderId":"O-1","customerId":"C-1","lines":[{"sku":"A","quantity":1,"unitPrice":10}],"total":10,"currency":"EUR"}""";
    private const string V2Data = """{"orderId":"O-1","customerId":"C-1","lines":[{"sku":"A","quantity":1,"unitPrice":10}],"total":10,"currency":"EUR","shippingAddress":{"recipient":"Ann","line1":"Main St 1","city":"Bonn","postalCode":"53111","country":"DE"}}""";

    [Fact]
    public void A_v1_event_is_decoded_as_the_v2_record_with_the_stated_default()
    {
        var result = Codec.Decode(Body(V1, V1Data));

        Assert.True(result.IsEvent, result.Error?.Message);
        Assert.Equal(new PlacedV2("O-1", 10m, null), result.Event!.Data);
        Assert.Equal((V2, V1), (result.Event.Type, result.Event.UpcastFrom));
    }

    [Fact]
    public void A_v2_event_is_decoded_as_is()
    {
        var result = Codec.Decode(Body(V2, V2Data));

        Assert.Equal(new PlacedV2("O-1", 10m, new Address("Bonn", "DE")), result.Event!.Data);
        Assert.Equal((V2, null), (result.Event.Type, result.Event.UpcastFrom));
    }

    [Fact]
    public void A_v1_event_is_validated_against_the_v1_schema_before_it_is_upcast()
    {
        // Valid v1, but without the address v2 requires: it must pass (v1 schema), and a v1 without a total must not.
        Assert.True(Codec.Decode(Body(V1, V1Data)).IsEvent);

        var result = Codec.Decode(Body(V1, V1Data.Replace("\"total\":10,", "", StringComparison.Ordinal)));

        Assert.Equal(DataErrorKind.SchemaViolation, result.Error?.Kind);
        Assert.Contains("order-placed.v1.json", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_upcaster_whose_target_is_not_registered_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new EventTypeRegistry().AddAll(UpcastWithoutTargetJson.Default));

        Assert.Contains("PlacedV1 ('sales.order-placed.v1') upcasts to PlacedV2, which is not a registered event record", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_upcaster_of_a_type_the_catalog_does_not_supersede_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new EventTypeRegistry().AddAll(NotSupersededJson.Default));

        Assert.Contains("schemas/catalog.json does not say 'inventory.stock-received.v1' is superseded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_upcaster_to_another_version_than_the_catalog_names_is_refused()
    {
        var catalog = EditCatalog(root => Placed(root, V1)["supersededBy"] = "sales.order-placed.v3", addV3: true);

        var error = Assert.Throws<ArgumentException>(() => new EventTypeRegistry(catalog).AddAll(UpcastJson.Default));

        Assert.Contains("says 'sales.order-placed.v1' is superseded by 'sales.order-placed.v3'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sales.order-placed.v1", "not a later major version")]
    [InlineData("sales.order-cancelled.v1", "not a later major version")]
    [InlineData("sales.order-placed.v7", "not in eventTypes")]
    public void A_catalog_whose_supersededBy_is_not_a_newer_version_of_the_same_event_is_refused(string newer, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => EditCatalog(root => Placed(root, V1)["supersededBy"] = newer));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_consumer_that_reads_one_version_but_not_another_on_its_hub_is_named()
    {
        var hub = EventCatalog.Current.Stream("sales-orders").Stream.Events;

        Assert.Equal([V2], new EventTypeRegistry().AddAll(OldConsumerJson.Default).UnreadVersions(hub));
        Assert.Empty(Codec.Registry.UnreadVersions(hub));
        // Reading no version of an event is a choice (the kit skips it), not a gap.
        Assert.Empty(TestCodec.Registry().UnreadVersions(hub));
    }

    [Fact]
    public void A_superseded_version_is_never_sent()
    {
        var encoder = new OutputEncoder(new CloudEventCodec(new EventTypeRegistry().AddAll(OldConsumerJson.Default)), "Sales");

        var error = Assert.Throws<InvalidOperationException>(() => encoder.Encode(new Emit(new PlacedV1Only("O-1", 1m), "order-placed", new EventCause("s", DateTimeOffset.UnixEpoch, null))));

        Assert.Contains("'sales.order-placed.v1' is superseded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_v2_event_at_a_consumer_built_before_v2_is_an_unknown_type_and_decodes_once_the_consumer_is_upgraded()
    {
        // The consumer as deployed before v2: its catalog has no v2 and it has only a v1 record.
        var before = EditCatalog(root =>
        {
            var types = root["eventTypes"]!.AsArray();
            types.Remove(Placed(root, V2));
            Placed(root, V1).Remove("supersededBy");
            var events = root["domains"]!.AsArray().SelectMany(d => d!["streams"]!.AsArray()).Single(s => (string?)s!["hub"] == "sales-orders")!["events"]!.AsArray();
            events.Remove(events.Single(e => (string?)e == V2));
        });
        var old = new CloudEventCodec(new EventTypeRegistry(before).AddAll(OldConsumerJson.Default));
        var body = Body(V2, V2Data);

        var deadLettered = old.Decode(body);
        var afterUpgrade = Codec.Decode(body);

        // UnknownType is a data error: the batch handler dead-letters it with the original body (never skips it), and
        // redelivery hands that body to the upgraded consumer.
        Assert.Equal(DataErrorKind.UnknownType, deadLettered.Error?.Kind);
        Assert.Null(deadLettered.SkippedType);
        Assert.Equal(new PlacedV2("O-1", 10m, new Address("Bonn", "DE")), afterUpgrade.Event!.Data);
    }

    private static JsonObject Placed(JsonObject root, string type) =>
        root["eventTypes"]!.AsArray().Single(t => (string?)t!["type"] == type)!.AsObject();

    private static EventCatalog EditCatalog(Action<JsonObject> edit, bool addV3 = false)
    {
        var root = JsonNode.Parse(EmbeddedSchemas.ReadText("catalog.json"))!.AsObject();
        if (addV3)
        {
            root["eventTypes"]!.AsArray().Add(new JsonObject { ["type"] = "sales.order-placed.v3", ["schema"] = "sales/order-placed.v2.json", ["partitionKey"] = "orderId" });
        }

        edit(root);
        return EventCatalog.Parse(root.ToJsonString());
    }
}
