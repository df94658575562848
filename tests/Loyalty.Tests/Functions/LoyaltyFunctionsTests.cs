using System.Net;
using Store.Loyalty.Functions;

namespace Store.Loyalty.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class LoyaltyFunctionsTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PlacedThenShipped_AccruesPointsAndPublishesTierChangedKeyedByCustomer()
    {
        using var app = LoyaltyTestApp.Create(azurite);

        await app.SalesOrders([EventBatches.Received(app.OrderPlaced("e1", "o1", "alice", 1500.99m, T0), 1)]);
        await app.Shipments([EventBatches.Received(app.ShipmentRequested("e2", "o1", "alice", null, T0.AddMinutes(5)), 1)], "2");

        var published = Assert.Single(app.Publisher.To("loyalty-tiers"));
        Assert.Equal("alice", published.PartitionKey);
        Assert.Equal(LoyaltyDecider.TierChangedId("alice", Tiers.Silver), published.Id);
        var decoded = app.Codec.Decode(published.Body);
        Assert.Equal(new TierChanged("alice", Tiers.Bronze, Tiers.Silver, 1500), decoded.Event!.Data);
        Assert.Equal(T0.AddMinutes(5), decoded.Event.Time);
        Assert.Equal("alice", decoded.Event.Subject);
        Assert.Equal("/store/loyalty", decoded.Event.Source);
    }

    [Fact]
    public async Task ShipmentBeforeOrderPlacedAcrossHubs_CountsOnceOrderTotalArrives()
    {
        using var app = LoyaltyTestApp.Create(azurite);

        var shipped = await app.Shipments([EventBatches.Received(app.ShipmentRequested("e2", "o1", "bob", null, T0), 1)]);
        Assert.Equal(1, shipped.Processed);
        Assert.Empty(app.Publisher.To("loyalty-tiers"));

        await app.SalesOrders([EventBatches.Received(app.OrderPlaced("e1", "o1", "bob", 5000m, T0), 1)]);

        var changes = app.Publisher.To("loyalty-tiers").Select(e => (TierChanged)app.Codec.Decode(e.Body).Event!.Data).ToArray();
        Assert.Equal([new TierChanged("bob", Tiers.Bronze, Tiers.Silver, 5000), new TierChanged("bob", Tiers.Silver, Tiers.Gold, 5000)], changes);
        Assert.Equal(5000, (await app.FindAsync("bob"))!.Points);
    }

    [Fact]
    public async Task RedeliveredBatches_AreNoOps_SameStateNoNewOutputs()
    {
        using var app = LoyaltyTestApp.Create(azurite);
        EventData[] orders = [EventBatches.Received(app.OrderPlaced("e1", "o1", "carol", 700m), 1), EventBatches.Received(app.OrderPlaced("e2", "o2", "carol", 400m), 2)];
        EventData[] shipments = [EventBatches.Received(app.ShipmentRequested("e3", "o1", "carol", null), 7), EventBatches.Received(app.ShipmentRequested("e4", "o2", "carol", 400m), 8)];
        await app.SalesOrders(orders);
        await app.Shipments(shipments);
        var before = await app.EntityAsync("carol");
        var published = app.Publisher.Published.Select(e => e.Id).ToArray();

        var again1 = await app.SalesOrders(orders);
        var again2 = await app.Shipments(shipments);

        Assert.Equal((0, 2), (again1.Processed, again1.Duplicates));
        Assert.Equal((0, 2), (again2.Processed, again2.Duplicates));
        // The state and the applied log are unchanged (the kit may rewrite the entity once to clear an outbox it has published).
        var after = await app.EntityAsync("carol");
        Assert.Equal(before!.GetString("State"), after!.GetString("State"));
        Assert.Equal(before.GetString("Positions"), after.GetString("Positions"));
        Assert.Equal(published, app.Publisher.Published.Select(e => e.Id));
        Assert.Equal(1100, (await app.FindAsync("carol"))!.Points);
    }

    [Fact]
    public async Task PublishFailsAfterCommit_RetriedBatchPublishesTheSameEventFromTheOutbox()
    {
        using var app = LoyaltyTestApp.Create(azurite);
        await app.SalesOrders([EventBatches.Received(app.OrderPlaced("e1", "o1", "dave", 1000m), 1)]);
        EventData[] shipment = [EventBatches.Received(app.ShipmentRequested("e2", "o1", "dave", null), 1)];
        app.Publisher.FailNext = new TimeoutException("event hubs unavailable");

        await Assert.ThrowsAsync<TimeoutException>(() => app.Shipments(shipment));
        Assert.Empty(app.Publisher.Published);

        await app.Shipments(shipment);

        var published = Assert.Single(app.Publisher.To("loyalty-tiers"));
        Assert.Equal(LoyaltyDecider.TierChangedId("dave", Tiers.Silver), published.Id);
        Assert.Equal(1000, (await app.FindAsync("dave"))!.Points);
    }

    [Fact]
    public async Task MalformedSchemaInvalidAndImplausibleEvents_AreDeadLettered_RestOfBatchProcessed()
    {
        using var app = LoyaltyTestApp.Create(azurite);
        var schemaInvalid = System.Text.Encoding.UTF8.GetBytes(
            """{"specversion":"1.0","id":"bad-2","source":"/tests","type":"sales.order-placed.v1","subject":"o2","time":"2026-01-01T00:00:00Z","data":{"orderId":"o2","customerId":"erin","lines":[],"total":-5,"currency":"eur"}}""");

        var outcome = await app.SalesOrders(
        [
            EventBatches.Received(app.OrderPlaced("e1", "o1", "erin", 300m), 1),
            EventBatches.ReceivedText("{ not json", 2),
            EventBatches.Received(schemaInvalid, 3),
            EventBatches.Received(app.OrderPlaced("e4", "o4", "erin", LoyaltyDecider.MaxTotal), 4),
            EventBatches.Received(app.OrderPlaced("e5", "o5", "erin", 900m), 5),
        ]);

        Assert.Equal(3, outcome.DeadLettered);
        Assert.Equal(2, outcome.Processed);
        var deadLetters = app.Publisher.To("dead-letters");
        Assert.Equal(3, deadLetters.Count);
        var kinds = deadLetters.Select(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("data").GetProperty("error").GetProperty("kind").GetString()!).Order().ToArray();
        Assert.Equal(["malformed-json", "rule-violation", "schema-violation"], kinds);
        var erin = await app.FindAsync("erin");
        Assert.Equal(["o1", "o5"], erin!.Pending.Keys);
    }

    [Fact]
    public async Task OtherSalesEventTypes_AreSkippedNotDeadLettered()
    {
        using var app = LoyaltyTestApp.Create(azurite);
        var cancelled = System.Text.Encoding.UTF8.GetBytes(
            """{"specversion":"1.0","id":"x1","source":"/tests","type":"sales.order-cancelled.v1","subject":"o1","time":"2026-01-01T00:00:00Z","data":{"orderId":"o1"}}""");

        var outcome = await app.SalesOrders([EventBatches.Received(cancelled, 1)]);

        Assert.Equal((0, 1, 0), (outcome.Processed, outcome.Ignored, outcome.DeadLettered));
    }

    [Fact]
    public async Task EveryEmittedTierChanged_ValidatesAgainstItsSchema()
    {
        using var app = LoyaltyTestApp.Create(azurite);
        await app.Shipments([EventBatches.Received(app.ShipmentRequested("e1", "o1", "frank", 800m), 1), EventBatches.Received(app.ShipmentRequested("e2", "o2", "frank", 4500m), 2)]);

        var events = app.Publisher.To("loyalty-tiers");
        Assert.Equal(2, events.Count);
        var registration = app.Codec.Registry.For<TierChanged>();
        foreach (var e in events)
        {
            var result = app.Codec.Decode(e.Body);
            Assert.True(result.IsEvent, result.Error?.Message);
            using var doc = JsonDocument.Parse(e.Body);
            Assert.True(registration.Schema.Evaluate(doc.RootElement.GetProperty("data")).IsValid);
            Assert.Equal(registration.SchemaId, doc.RootElement.GetProperty("dataschema").GetString());
        }
    }

    [Fact]
    public async Task GetCustomer_Known_ReturnsPointsAndTier_Unknown_Returns404()
    {
        using var app = LoyaltyTestApp.Create(azurite);
        await app.Shipments([EventBatches.Received(app.ShipmentRequested("e1", "o1", "gina/1", 1234.56m), 1)]);
        var context = EventBatches.FunctionContextFor("0");

        var known = (InMemoryHttpResponse)await app.Get<LoyaltyQueryFunctions>().GetCustomer(InMemoryHttpRequest.Json(context, "GET", "/api/customers/gina%2F1/loyalty", null), "gina/1", CancellationToken.None);
        var unknown = (InMemoryHttpResponse)await app.Get<LoyaltyQueryFunctions>().GetCustomer(InMemoryHttpRequest.Json(context, "GET", "/api/customers/nobody/loyalty", null), "nobody", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal("""{"customerId":"gina/1","points":1234,"tier":"Silver"}""", known.ReadBody());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
