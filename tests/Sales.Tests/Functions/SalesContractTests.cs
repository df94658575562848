using Store.Eventing.Catalog;

namespace Store.Sales.Tests.Functions;

/// <summary>Every event Sales emits validates against its checked-in schema (decoded by a codec that validates).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SalesContractTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestApp _host = SalesTestApp.Create(azurite);

    public void Dispose() => _host.Dispose();

    private void AssertValidAgainstSchema(Store.Eventing.Publishing.OutgoingEvent e)
    {
        var result = _host.Codec.Decode(e.Body);
        Assert.True(result.IsEvent, $"{e.Type} {e.Id}: {result.Error?.Message}");
        Assert.Equal(e.Type, result.Event!.Type);
        Assert.Equal(e.Id, result.Event.Id);
        using var doc = JsonDocument.Parse(e.Body);
        var registration = _host.Codec.Registry.For<OrderPlaced>();
        Assert.Equal(e.Type == registration.Type ? registration.SchemaId : _host.Codec.Registry.For<OrderCancelled>().SchemaId,
            doc.RootElement.GetProperty("dataschema").GetString());
        Assert.Equal("application/json", doc.RootElement.GetProperty("datacontenttype").GetString());
    }

    [Fact]
    public async Task Order_placed_and_order_cancelled_validate_against_their_schemas()
    {
        var withReason = SalesTestApp.NewOrderId();
        var withoutReason = SalesTestApp.NewOrderId();
        var lines = "[" + string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"sku":"SKU-{{i}}","quantity":{{(i % 2 == 0 ? 1 : 1000)}},"unitPrice":{{(i % 3 == 0 ? "0" : "19.99")}}}""")) + "]";
        await _host.PlaceAsync(SalesTestApp.OrderJson(withReason, lines: lines));
        await _host.PlaceAsync(SalesTestApp.OrderJson(withoutReason, currency: "JPY"));
        await _host.CancelAsync(withReason, $$"""{"reason":"{{new string('x', 500)}}"}""");
        await _host.CancelAsync(withoutReason);

        Assert.Equal(4, _host.SalesEvents().Count);
        Assert.All(_host.SalesEvents(), AssertValidAgainstSchema);
    }

    [Fact]
    public void Sales_sends_only_to_the_hubs_the_catalog_lets_it_send_to()
    {
        var allowed = EventCatalog.Current.HubsSentBy("Sales");

        Assert.Contains("sales-orders", allowed);
        Assert.Contains(("fulfillment-shipments", "sales"), EventCatalog.Current.HubsConsumedBy("Sales"));
    }

    [Fact]
    public void Every_sales_event_type_it_sends_has_a_registered_record()
    {
        // A superseded version (sales.order-placed.v1) is only read, by the consumers; Sales sends v2.
        var salesTypes = EventCatalog.Current.Streams.Where(s => s.Domain.Owner == "Sales").SelectMany(s => s.Stream.Events).Where(EventCatalog.Current.IsSent);

        Assert.All(salesTypes, type => Assert.True(_host.Codec.Registry.TryGet(type, out _), type));
    }

    [Fact]
    public void The_shipment_record_reads_a_schema_valid_event_from_fulfillment()
    {
        var body = _host.ShipmentRequested("o-1");

        var decoded = _host.Codec.Decode(body);

        Assert.True(decoded.IsEvent, decoded.Error?.Message);
        Assert.Equal("o-1", ((ShipmentRequested)decoded.Event!.Data).OrderId);
    }
}
