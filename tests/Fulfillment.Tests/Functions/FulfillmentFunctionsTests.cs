using static Store.Fulfillment.Tests.Samples;

namespace Store.Fulfillment.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class FulfillmentFunctionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task JoinAcrossThreeHubs_PublishesOneShipmentPartitionedByOrderId()
    {
        using var app = FulfillmentTestApp.Create(azurite);

        await app.DeliverAsync("payments", app.Batch(Authorized("o-1")));
        await app.DeliverAsync("inventory-stock", app.Batch(Reserved("o-1")));
        Assert.Empty(app.Shipments());
        var outcome = await app.DeliverAsync("sales-orders", app.Batch(Placed("o-1")));

        var shipment = Assert.Single(app.Shipments());
        Assert.Equal("o-1", shipment.PartitionKey);
        Assert.Equal(EventIds.Derive("fulfillment/o-1", "shipment-requested"), shipment.Id);
        Assert.Equal(1, outcome.Emitted);
        var decoded = Codec.Decode(shipment.Body);
        var data = Assert.IsType<ShipmentRequested>(decoded.Event?.Data);
        Assert.Equal("c-1", data.CustomerId);
        Assert.Equal(2, data.Lines.Count);
    }

    [Fact]
    public async Task ManyOrdersInBatches_OneShipmentEachAndEntitiesBucketedByOrderHash()
    {
        using var app = FulfillmentTestApp.Create(azurite);
        var ids = Enumerable.Range(0, 150).Select(i => $"bulk-{i}").ToArray();

        await app.DeliverAsync("sales-orders", app.Batch([.. ids.Select(id => Placed(id))]));
        await app.DeliverAsync("payments", app.Batch([.. ids.Select(id => Authorized(id))]));
        await app.DeliverAsync("inventory-stock", app.Batch([.. ids.Select(id => Reserved(id))]));

        Assert.Equal(ids.Order(StringComparer.Ordinal), app.Shipments().Select(s => s.PartitionKey).Order(StringComparer.Ordinal));
        var states = await app.StatesAsync();
        Assert.Equal(150, states.Count);
        Assert.All(ids, id => Assert.Contains(FulfillmentDecider.KeyOf(id).PartitionKey + "/" + id, states.Keys));
    }

    [Fact]
    public async Task RedeliveryOfAWholeBatch_IsANoOp()
    {
        using var app = FulfillmentTestApp.Create(azurite);
        await app.DeliverAsync("sales-orders", app.Batch(Placed("r-1"), Placed("r-2")));
        await app.DeliverAsync("inventory-stock", app.Batch(Reserved("r-1"), Reserved("r-2")));
        var payments = app.Batch(Authorized("r-1"), Authorized("r-2"));
        await app.DeliverAsync("payments", payments);
        var firstIds = app.Shipments().Select(s => s.Id).ToArray();
        var statesBefore = await app.StatesAsync();

        var again = await app.DeliverAsync("payments", payments);

        Assert.Equal(2, again.Duplicates);
        Assert.Equal(0, again.Emitted);
        Assert.Equal(firstIds, app.Shipments().Select(s => s.Id).ToArray());
        Assert.Equal(statesBefore, await app.StatesAsync());
    }

    [Fact]
    public async Task PublishFailureAfterCommit_RetriedBatchPublishesTheSameShipmentFromTheOutbox()
    {
        using var app = FulfillmentTestApp.Create(azurite);
        await app.DeliverAsync("sales-orders", app.Batch(Placed("x-1")));
        await app.DeliverAsync("inventory-stock", app.Batch(Reserved("x-1")));
        var payments = app.Batch(Authorized("x-1"));
        app.Publisher.FailNext = new TimeoutException("Event Hubs unavailable");

        await Assert.ThrowsAsync<TimeoutException>(() => app.DeliverAsync("payments", payments));
        Assert.Empty(app.Shipments());
        await app.DeliverAsync("payments", payments);

        var shipment = Assert.Single(app.Shipments());
        Assert.Equal(FulfillmentDecider_EventId("x-1"), shipment.Id);
    }

    [Fact]
    public async Task MalformedAndSchemaInvalidEvents_AreDeadLetteredAndTheRestOfTheBatchIsProcessed()
    {
        using var app = FulfillmentTestApp.Create(azurite);
        await app.DeliverAsync("sales-orders", app.Batch(Placed("d-1")));
        await app.DeliverAsync("inventory-stock", app.Batch(Reserved("d-1")));
        var invalid = Codec.Encode(
            new CloudEventHeader("bad-1", CloudEventTypeAttribute.Of<PaymentAuthorized>(), "/tests", "d-2", T0),
            new PaymentAuthorized("d-2", "c-1", -5m, "euro"));
        var batch = new[]
        {
            EventBatches.ReceivedText("{not json", 100),
            EventBatches.Received(invalid, 101),
            EventBatches.Received(Body(Authorized("d-1")), 102),
        };

        var outcome = await app.DeliverAsync("payments", batch);

        Assert.Equal(2, outcome.DeadLettered);
        Assert.Equal(2, app.DeadLetters.Count);
        var kinds = app.DeadLetters.Select(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("data").GetProperty("error").GetProperty("kind").GetString() ?? "").Order().ToArray();
        Assert.Equal(new[] { "malformed-json", "schema-violation" }, kinds);
        Assert.Equal("d-1", Assert.Single(app.Shipments()).PartitionKey);
    }

    [Fact]
    public void EveryConsumedEventType_IsKeyedByItsOrder()
    {
        var decider = new FulfillmentDecider();

        Assert.All([Placed("o-1"), Reserved("o-1"), Authorized("o-1"), Declined("o-1"), Cancelled("o-1")], e => Assert.Equal(FulfillmentDecider.KeyOf("o-1"), decider.KeyOf(Inbound(e))));
    }

    [Fact]
    public async Task OtherInventoryEvents_AreSkippedNotDeadLettered()
    {
        using var app = FulfillmentTestApp.Create(azurite);
        var released = """
            {"specversion":"1.0","id":"rel-1","source":"/store/inventory","type":"inventory.stock-released.v1","subject":"o-9","time":"2026-03-01T12:00:00Z","data":{"orderId":"o-9","lines":[{"sku":"a","quantity":1}],"reason":"order-cancelled"}}
            """;

        var outcome = await app.DeliverAsync("inventory-stock", [EventBatches.ReceivedText(released, 1)]);

        Assert.Equal(1, outcome.Ignored);
        Assert.Empty(app.DeadLetters);
    }

    [Fact]
    public async Task CancelledOrDeclinedOrders_GetNoShipment()
    {
        using var app = FulfillmentTestApp.Create(azurite);

        await app.DeliverInOrderAsync([Placed("c-1"), Cancelled("c-1"), Placed("d-1"), Reserved("c-1"), Reserved("d-1"), Authorized("c-1"), Declined("d-1")]);

        Assert.Empty(app.Shipments());
        Assert.Empty(app.DeadLetters);

        // The cancel is answered with a withdrawal (Inventory releases on it); the decline needs none (Inventory releases on it).
        var answer = Assert.Single(app.CancellationAnswers());
        Assert.Equal((CloudEventTypeAttribute.Of<OrderWithdrawn>(), "c-1"), (answer.Type, answer.PartitionKey));
    }

    [Fact]
    public async Task RandomArrivalOrdersAcrossHubs_GiveTheSameShipmentBytes()
    {
        var random = new Random(7);
        string? expected = null;
        for (var run = 0; run < 4; run++)
        {
            using var app = FulfillmentTestApp.Create(azurite);
            TestEvent[] events = [Placed("p-1", 0), Reserved("p-1", 5), Authorized("p-1", 3)];

            await app.DeliverInOrderAsync(events.OrderBy(_ => random.Next()).ToArray());

            var body = Text(Assert.Single(app.Shipments()).Body);
            expected ??= body;
            Assert.Equal(expected, body);
        }
    }

    private static string FulfillmentDecider_EventId(string orderId) => EventIds.Derive(Store.Fulfillment.Deciders.FulfillmentDecider.Scope(orderId), Store.Fulfillment.Deciders.FulfillmentDecider.ShipmentRequestedRole);
}
