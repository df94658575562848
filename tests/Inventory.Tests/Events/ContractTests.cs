using Store.Inventory.Tests.Functions;
using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Events;

/// <summary>Every event Inventory emits validates against its JSON Schema in schemas/ (decoded by a codec that validates).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ContractTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task EveryEmittedEvent_ValidatesAgainstItsSchema_AndCarriesTheCatalogEnvelope()
    {
        using var app = InventoryTestApp.Create(azurite);
        var http = await app.Http().ReceiveStock(
            InMemoryHttpRequest.Json(EventBatches.FunctionContextFor("0"), "POST", "/api/stock/receipts", """{"receiptId":"r1","sku":"A","quantity":5000}"""),
            CancellationToken.None);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, http.StatusCode);
        await app.OnStock("0", EventBatches.AsReceived(app.Publisher.Published));
        await app.OnSalesOrders("0",
            app.Placed(Order("o1", ("A", 600), ("A", 700))),
            app.Placed(Order("o2", ("B", 600), ("B", 600), ("A", 1))));
        await app.OnShipments("0", app.Withdrawn(Withdraw("o1")));
        await app.OnPayments("0", app.Declined(Decline("o2")));

        var emitted = app.Publisher.To("inventory-stock");
        Assert.Equal(
            new[] { InventoryEventTypes.StockReceived, InventoryEventTypes.StockReserved, InventoryEventTypes.StockReservationRejected, InventoryEventTypes.StockReleased }.Order(StringComparer.Ordinal),
            emitted.Select(e => e.Type).Distinct().Order(StringComparer.Ordinal));

        // A codec whose registry holds only Inventory's output records: decoding validates against the checked-in schema.
        var codec = new CloudEventCodec(new EventTypeRegistry()
            .Add(InventoryEventTypes.StockReceived, InventoryJson.Default.StockReceived)
            .Add(InventoryEventTypes.StockReserved, InventoryJson.Default.StockReserved)
            .Add(InventoryEventTypes.StockReservationRejected, InventoryJson.Default.StockReservationRejected)
            .Add(InventoryEventTypes.StockReleased, InventoryJson.Default.StockReleased));
        foreach (var e in emitted)
        {
            var result = codec.Decode(e.Body);
            Assert.True(result.IsEvent, $"{e.Type} {e.Id}: {result.Error?.Message}");
            Assert.Equal(e.Id, result.Event!.Id);
            Assert.Equal("/store/inventory", result.Event.Source);
            Assert.Equal(e.PartitionKey, result.Event.Subject);
            using var doc = JsonDocument.Parse(e.Body);
            Assert.Equal($"https://schemas.store.example/{e.Type.Split('.')[0]}/{e.Type.Split('.')[1]}.v1.json", doc.RootElement.GetProperty("dataschema").GetString());
        }

        // The summed 1300 units (> 1000 per contract line) are split into contract-sized lines.
        var reserved = (StockReserved)codec.Decode(emitted.First(e => e.Type == InventoryEventTypes.StockReserved).Body).Event!.Data;
        Assert.Equal([new StockLine("A", 1000), new StockLine("A", 300)], reserved.Lines);
        var rejected = (StockReservationRejected)codec.Decode(emitted.First(e => e.Type == InventoryEventTypes.StockReservationRejected).Body).Event!.Data;
        Assert.Equal([new ShortLine("B", 1000, 0), new ShortLine("B", 200, 0)], rejected.ShortLines);
    }
}
