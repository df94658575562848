using static Store.Tracking.Tests.Samples;

namespace Store.Tracking.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class TrackingFunctionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task EventsFromAllFourHubs_AreServedByGetOrderAsJson()
    {
        using var app = TrackingTestApp.Create(azurite);

        await app.DeliverInOrderAsync([Shipped("o-1", 3), Authorized("o-1", 2), Reserved("o-1", 1), Placed("o-1", 0)]);
        var (status, contentType, body) = await app.GetAsync("o-1");

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("o-1", root.GetProperty("orderId").GetString());
        Assert.Equal(OrderStatus.ShipmentRequested, root.GetProperty("status").GetString());
        Assert.Equal("c-1", root.GetProperty("customerId").GetString());
        Assert.Equal(25.00m, root.GetProperty("placed").GetProperty("total").GetDecimal());
        Assert.Equal(2, root.GetProperty("placed").GetProperty("lineCount").GetInt32());
        Assert.Equal("reserved", root.GetProperty("reservation").GetProperty("status").GetString());
        Assert.Equal("authorized", root.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("ship-o-1", root.GetProperty("shipment").GetProperty("shipmentId").GetString());
        Assert.Equal(
            new[] { CloudEventTypeAttribute.Of<OrderPlaced>(), CloudEventTypeAttribute.Of<StockReserved>(), CloudEventTypeAttribute.Of<PaymentAuthorized>(), CloudEventTypeAttribute.Of<ShipmentRequested>() },
            root.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("type").GetString() ?? "").ToArray());
        Assert.Empty(app.Publisher.Published);
    }

    [Fact]
    public async Task UnknownOrder_Is404ProblemDetails()
    {
        using var app = TrackingTestApp.Create(azurite);

        var (status, contentType, body) = await app.GetAsync("nope");

        Assert.Equal(404, status);
        Assert.StartsWith("application/problem+json", contentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(404, json.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task OrderIdWithReservedCharacters_IsStoredAndFound()
    {
        using var app = TrackingTestApp.Create(azurite);

        await app.DeliverInOrderAsync([Placed("a/b#c?d")]);

        Assert.Equal(200, (await app.GetAsync("a/b#c?d")).Status);
        Assert.Equal(404, (await app.GetAsync("a/b#c?e")).Status);
    }

    [Fact]
    public async Task RedeliveryOfAWholeBatch_IsANoOp()
    {
        using var app = TrackingTestApp.Create(azurite);
        var batch = app.Batch(Placed("r-1"), Placed("r-2"), Cancelled("r-1"));
        await app.DeliverAsync("sales-orders", batch);
        var before = await app.StatesAsync();

        var again = await app.DeliverAsync("sales-orders", batch);

        Assert.Equal(3, again.Duplicates);
        Assert.Equal(0, again.Processed);
        Assert.Equal(before, await app.StatesAsync());
        Assert.Empty(app.Publisher.Published);
    }

    [Fact]
    public async Task MalformedAndSchemaInvalidEvents_AreDeadLetteredAndTheRestOfTheBatchIsProcessed()
    {
        using var app = TrackingTestApp.Create(azurite);
        var invalid = Codec.Encode(
            new CloudEventHeader("bad-1", CloudEventTypeAttribute.Of<PaymentDeclined>(), "/tests", "d-2", T0),
            new PaymentDeclined("d-2", "c-1", 5m, "EUR", ""));
        var batch = new[]
        {
            EventBatches.ReceivedText("not json at all", 10),
            EventBatches.Received(invalid, 11),
            EventBatches.Received(Body(Authorized("d-1")), 12),
        };

        var outcome = await app.DeliverAsync("payments", batch);

        Assert.Equal(2, outcome.DeadLettered);
        Assert.Equal(1, outcome.Processed);
        var kinds = app.DeadLetters.Select(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("data").GetProperty("error").GetProperty("kind").GetString() ?? "").Order().ToArray();
        Assert.Equal(new[] { "malformed-json", "schema-violation" }, kinds);
        Assert.Equal(200, (await app.GetAsync("d-1")).Status);
        Assert.Equal(404, (await app.GetAsync("d-2")).Status);
    }

    [Fact]
    public async Task EveryConsumedEventType_IsAppliedToItsOrdersView()
    {
        using var app = TrackingTestApp.Create(azurite);
        TestEvent[] all = [Placed("o-1"), Cancelled("o-1"), Reserved("o-1"), Rejected("o-1"), Released("o-1"), Authorized("o-1"), Declined("o-1"), Shipped("o-1"), Withdrawn("o-1"), CancellationRejected("o-1")];

        await app.DeliverInOrderAsync(all);

        using var json = JsonDocument.Parse((await app.GetAsync("o-1")).Body);
        var applied = json.RootElement.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("eventId").GetString() ?? "");
        Assert.Equal(all.Select(e => e.Id).Order(StringComparer.Ordinal), applied.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StockReceived_IsSkippedNotDeadLettered()
    {
        using var app = TrackingTestApp.Create(azurite);
        var received = """
            {"specversion":"1.0","id":"rcv-1","source":"/store/inventory","type":"inventory.stock-received.v1","subject":"sku-a","time":"2026-03-01T12:00:00Z","data":{"receiptId":"r-1","sku":"sku-a","quantity":5}}
            """;

        var outcome = await app.DeliverAsync("inventory-stock", [EventBatches.ReceivedText(received, 1)]);

        Assert.Equal(1, outcome.Ignored);
        Assert.Empty(app.DeadLetters);
    }

    [Fact]
    public async Task ManyOrdersAcrossBuckets_AreEachStoredUnderTheirBucketAndFound()
    {
        using var app = TrackingTestApp.Create(azurite);
        var ids = Enumerable.Range(0, 120).Select(i => $"bulk-{i}").ToArray();

        await app.DeliverAsync("sales-orders", app.Batch([.. ids.Select(id => Placed(id))]));
        await app.DeliverAsync("payments", app.Batch([.. ids.Select(id => Declined(id))]));

        var states = await app.StatesAsync();
        Assert.Equal(120, states.Count);
        Assert.All(ids, id => Assert.Contains(TrackingProjection.KeyOf(id).PartitionKey + "/" + id, states.Keys));
        using var json = JsonDocument.Parse((await app.GetAsync("bulk-77")).Body);
        Assert.Equal(OrderStatus.PaymentDeclined, json.RootElement.GetProperty("status").GetString());
        Assert.Equal("limit-exceeded", json.RootElement.GetProperty("payment").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task RandomArrivalOrdersAcrossHubs_GiveTheSameServedView()
    {
        var random = new Random(99);
        TestEvent[] events = [Placed("p-1", 0), Reserved("p-1", 1), Authorized("p-1", 1), Shipped("p-1", 2), Cancelled("p-1", 2)];
        string? expected = null;
        for (var run = 0; run < 4; run++)
        {
            using var app = TrackingTestApp.Create(azurite);

            await app.DeliverInOrderAsync(events.OrderBy(_ => random.Next()).ToArray());

            var body = (await app.GetAsync("p-1")).Body;
            expected ??= body;
            Assert.Equal(expected, body);
        }
    }
}
