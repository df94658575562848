using Store.Eventing.DeadLetters;
using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class StockEventFunctionsTests(AzuriteFixture azurite)
{
    private const string DeadLetters = "dead-letters";

    /// <summary>An app whose one receipt (r1) has brought <paramref name="quantityOfA"/> of SKU A into stock.</summary>
    private async Task<TestApp> StockedAsync(int quantityOfA)
    {
        var app = InventoryTestApp.Create(azurite);
        try
        {
            await app.OnStock("0", app.Stock(Receipt("r1", "A", quantityOfA)));
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    private static async Task AssertSkuAndOrderAsync(TestApp app, SkuStock sku, string orderId, OrderStatus status)
    {
        Assert.Equal(sku, await app.SkuAsync(sku.Sku));
        Assert.Equal(status, (await app.OrderAsync(orderId))!.Status);
    }

    [Fact]
    public async Task ReceiptsThenOrder_ReservesStock_AndPublishesStockReservedWithDerivedHeader()
    {
        using var app = InventoryTestApp.Create(azurite);
        await app.OnStock("0", app.Stock(Receipt("r1", "A", 5)), app.Stock(Receipt("r2", "B", 3)));
        var placed = app.Placed(Order("o1", ("A", 2), ("B", 3)));

        var outcome = await app.OnSalesOrders("0", placed);

        Assert.Equal(1, outcome.Processed);
        var published = Assert.Single(app.Publisher.To("inventory-stock"));
        Assert.Equal(EventIds.Derive("placed-o1", "stock-reserved"), published.Id);
        Assert.Equal("o1", published.PartitionKey);
        var decoded = app.Codec.Decode(published.Body).Event!;
        Assert.Equal((InventoryEventTypes.StockReserved, "/store/inventory", "o1"), (decoded.Type, decoded.Source, decoded.Subject));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), decoded.Time);
        Assert.Equal([new StockLine("A", 2), new StockLine("B", 3)], ((StockReserved)decoded.Data).Lines);
        Assert.Equal(new SkuStock("A", 3, 2, 0, 5), await app.SkuAsync("A"));
        Assert.Equal(new SkuStock("B", 0, 3, 0, 3), await app.SkuAsync("B"));
    }

    /// <summary>
    /// With one shard an order placement writes exactly its order row and the SKU rows it reserves (plus the outbox
    /// marker of the order row's stock-reserved, and the clearing of that outbox once published), no part row.
    /// </summary>
    [Fact]
    public async Task OneShard_OrderPlacement_WritesTheOrderRowAndItsSkuRows_AndNothingElse()
    {
        using var app = InventoryTestApp.Create(azurite);
        await app.OnStock("0", app.Stock(Receipt("r1", "A", 5)), app.Stock(Receipt("r2", "B", 3)));
        var store = app.Store();
        var (transactions, entities) = (store.Transactions, store.EntitiesWritten);

        await app.OnSalesOrders("0", app.Placed(Order("o1", ("A", 2), ("B", 3))));

        // Commit: order row + 2 SKU rows + the order row's outbox marker; after publishing: order row (outbox cleared) + marker delete.
        Assert.Equal((2, 4 + 2), (store.Transactions - transactions, store.EntitiesWritten - entities));
        Assert.Equal(["order|o1", "receipt|r1", "receipt|r2", "sku|A", "sku|B"], (await app.RowsAsync()).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ShortOrder_IsRejectedListingShortLines_AndNothingStaysReserved()
    {
        using var app = InventoryTestApp.Create(azurite);
        await app.OnStock("0", app.Stock(Receipt("r1", "A", 5)), app.Stock(Receipt("r2", "B", 1)));

        await app.OnSalesOrders("0", app.Placed(Order("o1", ("A", 2), ("B", 3))));

        var rejected = Assert.Single(app.PublishedData<StockReservationRejected>(InventoryEventTypes.StockReservationRejected));
        Assert.Equal([new ShortLine("B", 3, 1)], rejected.ShortLines);
        Assert.Equal(new SkuStock("A", 5, 0, 0, 5), await app.SkuAsync("A"));
        Assert.Equal(new SkuStock("B", 1, 0, 0, 1), await app.SkuAsync("B"));
    }

    [Fact]
    public async Task WithdrawalAndDeclineAndShipment_ReleaseOnceAndCommit()
    {
        using var app = await StockedAsync(10);
        await app.OnSalesOrders("0", app.Placed(Order("o1", ("A", 2))), app.Placed(Order("o2", ("A", 3))), app.Placed(Order("o3", ("A", 4))));

        await app.OnShipments("1", app.Withdrawn(Withdraw("o1")));
        await app.OnPayments("1", app.Declined(Decline("o1")), app.Declined(Decline("o2")));
        await app.OnShipments("2", app.Shipped(Shipment("o3")));
        await app.OnSalesOrders("0", app.CancelRequested("o3"));

        var released = app.PublishedData<StockReleased>(InventoryEventTypes.StockReleased);
        Assert.Equal([("o1", "order-cancelled"), ("o2", "payment-declined")], released.Select(r => (r.OrderId, r.Reason)));
        await AssertSkuAndOrderAsync(app, new SkuStock("A", 6, 0, 4, 10), "o3", OrderStatus.Committed);
    }

    [Fact]
    public async Task ACancelRequest_ReleasesNothing_OnlyFulfillmentsWithdrawalDoes()
    {
        // The cancel may still lose to the shipment; Fulfillment decides, and a release before its answer could oversell.
        using var app = await StockedAsync(2);

        var outcome = await app.OnSalesOrders("0", app.Placed(Order("o1", ("A", 1))), app.CancelRequested("o1"));

        Assert.Equal(0, outcome.DeadLettered);
        Assert.Equal([InventoryEventTypes.StockReserved], app.Publisher.To("inventory-stock").Select(e => e.Type));
        await AssertSkuAndOrderAsync(app, new SkuStock("A", 1, 1, 0, 2), "o1", OrderStatus.Reserved);
    }

    [Fact]
    public async Task PlacedWithdrawnAndPlacedAgain_AreAppliedInArrivalOrder()
    {
        using var app = await StockedAsync(1);

        await app.OnSalesOrders("0", app.Placed(Order("o1", ("A", 1))));
        await app.OnShipments("0", app.Withdrawn(Withdraw("o1")));
        await app.OnSalesOrders("0", app.Placed(Order("o2", ("A", 1))));

        Assert.Equal(
            [InventoryEventTypes.StockReserved, InventoryEventTypes.StockReleased, InventoryEventTypes.StockReserved],
            app.Publisher.To("inventory-stock").Select(e => e.Type));
        Assert.Equal(new SkuStock("A", 0, 1, 0, 1), await app.SkuAsync("A"));
    }

    [Fact]
    public async Task PaymentDeclinedBeforeOrderPlaced_LeavesNothingReserved_AndEmitsNothing()
    {
        using var app = await StockedAsync(5);

        await app.OnPayments("3", app.Declined(Decline("o1")));
        await app.OnSalesOrders("1", app.Placed(Order("o1", ("A", 2))));

        Assert.Empty(app.Publisher.To("inventory-stock"));
        await AssertSkuAndOrderAsync(app, new SkuStock("A", 5, 0, 0, 5), "o1", OrderStatus.Voided);
    }

    [Fact]
    public async Task BatchWithMalformedAndSchemaInvalidEvents_DeadLettersThem_AndProcessesTheRest()
    {
        using var app = await StockedAsync(5);
        var invalid = Encoding.UTF8.GetBytes(
            """{"specversion":"1.0","id":"bad-1","source":"/tests","type":"sales.order-placed.v1","subject":"o9","data":{"orderId":"o9","customerId":"c","lines":[],"total":0,"currency":"EUR"}}""");

        var outcome = await app.OnSalesOrders("0",
            app.Placed(Order("o1", ("A", 1))),
            EventBatches.ReceivedText("{not json", 900),
            EventBatches.Received(invalid, 901),
            app.Placed(Order("o2", ("A", 1))));

        Assert.Equal((4, 2, 2, 2), (outcome.Received, outcome.Processed, outcome.Emitted, outcome.DeadLettered));
        var deadLetters = app.Publisher.To(DeadLetters).Select(d => (EventDeadLettered)DeadLetterData(d.Body)).ToArray();
        Assert.Equal(["malformed-json", "schema-violation"], deadLetters.Select(d => d.Error.Kind));
        Assert.All(deadLetters, d => Assert.Equal(("Inventory", "inventory", "sales-orders"), (d.Consumer, d.ConsumerGroup, d.SourceHub)));
        Assert.Equal(2, app.PublishedData<StockReserved>(InventoryEventTypes.StockReserved).Count);
        Assert.Equal(new SkuStock("A", 3, 2, 0, 5), await app.SkuAsync("A"));
    }

    [Fact]
    public async Task ShipmentForAnUnknownOrder_IsDeadLetteredAsARuleViolation()
    {
        using var app = InventoryTestApp.Create(azurite);

        var outcome = await app.OnShipments("0", app.Shipped(Shipment("nope")));

        Assert.Equal(1, outcome.DeadLettered);
        Assert.Equal("rule-violation", ((EventDeadLettered)DeadLetterData(Assert.Single(app.Publisher.To(DeadLetters)).Body)).Error.Kind);
    }

    [Fact]
    public async Task OrderWith99DistinctSkus_IsReservedAtomically_And100DistinctSkusAreDeadLettered()
    {
        using var app = InventoryTestApp.Create(azurite);
        await app.OnStock("0", Enumerable.Range(0, 100).Select(i => app.Stock(Receipt($"r{i}", $"S{i:000}", 1))).ToArray());

        var outcome = await app.OnSalesOrders("0",
            app.Placed(Order("big", Enumerable.Range(0, 99).Select(i => ($"S{i:000}", 1)).ToArray())),
            app.Placed(Order("huge", Enumerable.Range(0, 100).Select(i => ($"S{i:000}", 1)).ToArray())));

        Assert.Equal((1, 1), (outcome.Processed, outcome.DeadLettered));
        Assert.Equal(99, Assert.Single(app.PublishedData<StockReserved>(InventoryEventTypes.StockReserved)).Lines.Count);
        Assert.Equal(new SkuStock("S000", 0, 1, 0, 1), await app.SkuAsync("S000"));
        Assert.Equal(new SkuStock("S099", 1, 0, 0, 1), await app.SkuAsync("S099"));
    }

    [Fact]
    public async Task BatchTouchingMoreThan100Rows_IsCommittedInSeveralTransactions_WithCoalescedRoundTrips()
    {
        using var app = InventoryTestApp.Create(azurite);
        await app.OnStock("0", Enumerable.Range(0, 100).Select(i => app.Stock(Receipt($"r{i}", $"S{i % 50}", 10))).ToArray());
        var before = app.Store().RoundTrips;

        // 100 orders over 50 SKUs: 150 rows; SKU rows are hot (each touched by two orders).
        var outcome = await app.OnSalesOrders("0", Enumerable.Range(0, 100).Select(i => app.Placed(Order($"o{i}", ($"S{i % 50}", 3), ($"S{(i + 1) % 50}", 2)))).ToArray());

        Assert.Equal(100, outcome.Processed);
        Assert.Equal(100, app.PublishedData<StockReserved>(InventoryEventTypes.StockReserved).Count);
        var rows = await app.RowsAsync();
        Assert.All(rows.Values.Select(r => r.State!.Sku).OfType<SkuStock>(), s => Assert.Equal(new SkuStock(s.Sku, 10, 10, 0, 20), s));

        // 150 connected rows (a chain of SKUs): committed in stream order in 2 transactions; never one round trip per event.
        Assert.InRange(app.Store().RoundTrips - before, 2, 10);
    }

    [Fact]
    public async Task IndependentOrders_AreCommittedAsConcurrentTransactionsOfAtMost100Rows_NoEventSplit()
    {
        using var app = InventoryTestApp.Create(azurite);
        await app.OnStock("0", Enumerable.Range(0, 100).Select(i => app.Stock(Receipt($"r{i}", $"S{i}", 5))).ToArray());
        var before = app.Store().Transactions;

        // 100 orders, each on its own SKU: 100 independent pairs of rows (order + SKU) = 200 rows plus the pending-outbox
        // marker of each order row, in three transactions of at most 100 entities that never split an event; after the
        // publish, clearing the 100 outboxes (order rows rewritten, markers deleted) takes two more full transactions.
        var outcome = await app.OnSalesOrders("0", Enumerable.Range(0, 100).Select(i => app.Placed(Order($"o{i}", ($"S{i}", 2)))).ToArray());

        Assert.Equal(100, outcome.Processed);
        Assert.InRange(app.Store().Transactions - before, 3 + 2, 4 + 2);
        Assert.Equal(100, app.PublishedData<StockReserved>(InventoryEventTypes.StockReserved).Count);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(new SkuStock($"S{i}", 3, 2, 0, 5), await app.SkuAsync($"S{i}"));
            Assert.Equal(OrderStatus.Reserved, (await app.OrderAsync($"o{i}"))!.Status);
        }
    }

    [Fact]
    public async Task RedeliveryOfAWholeBatch_IsANoOp_SameStateAndNoNewOutputs()
    {
        using var app = await StockedAsync(3);
        var batch = new[]
        {
            app.Placed(Order("o1", ("A", 2))), app.Placed(Order("o2", ("A", 2))), app.Placed(Order("o3", ("A", 5))),
            EventBatches.ReceivedText("garbage", 500),
        };
        await app.OnSalesOrders("0", batch);
        var rows = await app.RowsAsync();
        var published = app.Publisher.Published.Select(p => p.Id).ToArray();
        app.Publisher.Clear();

        var outcome = await app.OnSalesOrders("0", batch);

        Assert.Equal((0, 3), (outcome.Processed, outcome.Duplicates));
        Assert.Equal(rows.ToDictionary(r => r.Key, r => r.Value.ETag), (await app.RowsAsync()).ToDictionary(r => r.Key, r => r.Value.ETag));

        // Only the dead letter is produced again, under the same id.
        Assert.Equal(app.Publisher.Published.Select(p => p.Id), published.Where(id => app.Publisher.Published.Any(p => p.Id == id)));
        Assert.Equal(DeadLetters, Assert.Single(app.Publisher.Published).Hub);
    }

    [Fact]
    public async Task RedeliveryInANewProcess_AfterThePublish_PublishesNothingAgain_AndChangesNoState()
    {
        using var app = await StockedAsync(3);
        var batch = new[] { app.Placed(Order("o1", ("A", 2))), app.Placed(Order("o2", ("A", 2))) };
        await app.OnSalesOrders("0", batch);
        Assert.NotEmpty(app.Publisher.Published);
        var etags = (await app.RowsAsync()).ToDictionary(r => r.Key, r => r.Value.ETag);

        // The first process published and then cleared the outboxes, so a new process has nothing left to publish: the
        // redelivered events are duplicates by id and position. (A crash before the publish leaves the outbox, which the
        // redelivery or the relay publishes: PublishFailureAfterCommit_RedeliveryPublishesTheSameIds_WithoutApplyingTwice.)
        using var restarted = app.Restarted();
        await restarted.OnSalesOrders("0", batch);

        Assert.Empty(restarted.Publisher.Published);
        Assert.Equal(etags, (await restarted.RowsAsync()).ToDictionary(r => r.Key, r => r.Value.ETag));
    }

    [Fact]
    public async Task PublishFailureAfterCommit_RedeliveryPublishesTheSameIds_WithoutApplyingTwice()
    {
        using var app = await StockedAsync(5);
        var batch = new[] { app.Placed(Order("o1", ("A", 2))) };
        app.Publisher.FailNext = new TimeoutException("Event Hubs unavailable");

        await Assert.ThrowsAsync<TimeoutException>(() => app.OnSalesOrders("0", batch));
        await app.OnSalesOrders("0", batch);

        var reserved = Assert.Single(app.Publisher.To("inventory-stock"));
        Assert.Equal(EventIds.Derive("placed-o1", "stock-reserved"), reserved.Id);
        Assert.Equal(new SkuStock("A", 3, 2, 0, 5), await app.SkuAsync("A"));
    }

    [Fact]
    public async Task InventorysOwnOutputsOnItsStream_AreIgnored()
    {
        using var app = await StockedAsync(5);
        await app.OnSalesOrders("0", app.Placed(Order("o1", ("A", 2))));
        var outputs = EventBatches.AsReceived(app.Publisher.Published, 100);

        var outcome = await app.OnStock("1", outputs);

        Assert.Equal((0, 1, 0), (outcome.Processed, outcome.Ignored, outcome.DeadLettered));
        Assert.Equal(new SkuStock("A", 3, 2, 0, 5), await app.SkuAsync("A"));
    }

    [Fact]
    public async Task StockReceived_RedeliveredUnderANewSequenceNumber_IsAppliedOnce()
    {
        using var app = InventoryTestApp.Create(azurite);

        await app.OnStock("0", app.Stock(Receipt("r1", "A", 5)), app.Stock(Receipt("r1", "A", 5)));
        await app.OnStock("0", app.Stock(Receipt("r1", "A", 5)));

        Assert.Equal(new SkuStock("A", 5, 0, 0, 5), await app.SkuAsync("A"));
    }

    private static object DeadLetterData(byte[] body) =>
        new CloudEventCodec(new EventTypeRegistry().Add(DeadLetterWriter.EventType, DeadLetterJsonContext.Default.EventDeadLettered)).Decode(body).Event!.Data;
}
