using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Functions;

/// <summary>The sharded reservation saga wired end to end at N = 4 on real Azurite: messages between shards go through the outbox and the internal hub.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ShardedStockTests(AzuriteFixture azurite)
{
    private const int Shards = 4;

    // One SKU in each of three different shards.
    private static readonly string[] Skus = [.. Enumerable.Range(0, 100).Select(i => "SKU-" + i).GroupBy(s => StockShards.Of(s, Shards)).Take(3).Select(g => g.First())];

    [Fact]
    public async Task MultiShardOrder_ReservesEveryShard_AndRedeliveredSagaMessagesAreNoOps()
    {
        using var app = await StockedAsync(5);

        await app.OnSalesOrders("0", app.Placed(Order("o1", (Skus[0], 2), (Skus[1], 3), (Skus[2], 5))));
        var messages = await app.PumpShardsAsync();

        Assert.True(messages >= 2, $"only {messages} saga messages");
        var reserved = Assert.Single(app.PublishedData<StockReserved>(InventoryEventTypes.StockReserved));
        Assert.Equal(10, reserved.Lines.Sum(l => l.Quantity));
        Assert.Equal(new SkuStock(Skus[0], 3, 2, 0, 5), await app.SkuAsync(Skus[0]));
        Assert.Equal(new SkuStock(Skus[2], 0, 5, 0, 5), await app.SkuAsync(Skus[2]));

        var published = app.Publisher.Published.Count;
        var delivered = app.Publisher.To("inventory-shards").Count;
        await app.PumpShardsAsync(0);
        await app.OnSalesOrders("0", app.Placed(Order("o1", (Skus[0], 2), (Skus[1], 3), (Skus[2], 5))));

        Assert.Single(app.PublishedData<StockReserved>(InventoryEventTypes.StockReserved));
        Assert.Equal(new SkuStock(Skus[0], 3, 2, 0, 5), await app.SkuAsync(Skus[0]));
        Assert.Equal(new SkuStock(Skus[1], 2, 3, 0, 5), await app.SkuAsync(Skus[1]));
        Assert.Equal(published, app.Publisher.Published.Count);
        Assert.Equal(delivered, messages);
    }

    [Fact]
    public async Task ShortLineInOneShard_ReleasesTheShardsThatReserved_AndRejectionListsTheShortLines()
    {
        using var app = await StockedAsync(5);

        await app.OnSalesOrders("0", app.Placed(Order("o1", (Skus[0], 2), (Skus[1], 6), (Skus[2], 5))));
        await app.PumpShardsAsync();

        var rejected = Assert.Single(app.PublishedData<StockReservationRejected>(InventoryEventTypes.StockReservationRejected));
        Assert.Equal([new ShortLine(Skus[1], 6, 5)], rejected.ShortLines);
        Assert.Empty(app.PublishedData<StockReserved>(InventoryEventTypes.StockReserved));
        foreach (var sku in Skus)
        {
            Assert.Equal(new SkuStock(sku, 5, 0, 0, 5), await app.SkuAsync(sku));
        }
    }

    [Fact]
    public async Task ReleaseAndCommit_ReachEveryShard_Once()
    {
        using var app = await StockedAsync(10);
        await app.OnSalesOrders("0", app.Placed(Order("o1", (Skus[0], 1), (Skus[1], 2), (Skus[2], 3))), app.Placed(Order("o2", (Skus[0], 4), (Skus[1], 4), (Skus[2], 4))));
        await app.PumpShardsAsync();

        await app.OnShipments("1", app.Withdrawn(Withdraw("o1")));
        await app.OnPayments("1", app.Declined(Decline("o1")));
        await app.OnShipments("2", app.Shipped(Shipment("o2")));
        await app.PumpShardsAsync();
        await app.PumpShardsAsync(0);

        Assert.Single(app.PublishedData<StockReleased>(InventoryEventTypes.StockReleased));
        Assert.Empty(app.DeadLetters);
        foreach (var sku in Skus)
        {
            Assert.Equal(new SkuStock(sku, 6, 0, 4, 10), await app.SkuAsync(sku));
        }
    }

    private async Task<TestApp> StockedAsync(int quantity)
    {
        var app = InventoryTestApp.Create(azurite, shards: Shards);
        await app.OnStock("0", [.. Skus.Select((s, i) => app.Stock(Receipt("r" + i, s, quantity)))]);
        return app;
    }
}
