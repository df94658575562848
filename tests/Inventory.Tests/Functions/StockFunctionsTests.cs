using System.Net;

namespace Store.Inventory.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class StockFunctionsTests(AzuriteFixture azurite)
{
    private static async Task<InMemoryHttpResponse> PostAsync(TestApp app, string? json) =>
        (InMemoryHttpResponse)await app.Http().ReceiveStock(
            InMemoryHttpRequest.Json(EventBatches.FunctionContextFor("0"), "POST", "/api/stock/receipts", json), CancellationToken.None);

    private static async Task<InMemoryHttpResponse> GetAsync(TestApp app, string sku) =>
        (InMemoryHttpResponse)await app.Http().GetStock(
            InMemoryHttpRequest.Json(EventBatches.FunctionContextFor("0"), "GET", "/api/stock/" + sku, null), sku, CancellationToken.None);

    [Fact]
    public async Task PostReceipt_Valid_Returns202_AndPublishesStockReceivedKeyedBySku_WithIdFromReceiptId()
    {
        using var app = InventoryTestApp.Create(azurite);

        var response = await PostAsync(app, """{"receiptId":"r-1","sku":"A","quantity":5}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var published = Assert.Single(app.Publisher.Published);
        Assert.Equal(("inventory-stock", "A", ReceiptDecider.EventIdOf("r-1"), InventoryEventTypes.StockReceived), (published.Hub, published.PartitionKey, published.Id, published.Type));
        Assert.Equal(new StockReceived("r-1", "A", 5), app.Codec.Decode(published.Body).Event!.Data);
        using var body = JsonDocument.Parse(response.ReadBody());
        Assert.Equal(published.Id, body.RootElement.GetProperty("eventId").GetString());
    }

    [Fact]
    public async Task PostReceipt_DoesNotChangeStock_UntilTheProcessorConsumesTheEvent()
    {
        using var app = InventoryTestApp.Create(azurite);
        await PostAsync(app, """{"receiptId":"r-1","sku":"A","quantity":5}""");

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(app, "A")).StatusCode);
        await app.OnStock("2", EventBatches.AsReceived(app.Publisher.Published));

        var response = await GetAsync(app, "A");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"sku":"A","available":5,"reserved":0,"committed":0,"received":5}""", response.ReadBody());
    }

    [Fact]
    public async Task PostReceipt_RepeatedWithTheSameBody_ReturnsTheSame202_AndPublishesNoSecondEvent()
    {
        using var app = InventoryTestApp.Create(azurite);
        var first = await PostAsync(app, """{"receiptId":"r-1","sku":"A","quantity":5}""");

        var second = await PostAsync(app, """{ "quantity": 5, "sku": "A", "receiptId": "r-1" }""");

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(first.ReadBody(), second.ReadBody());
        Assert.Single(app.Publisher.Published);
    }

    [Fact]
    public async Task PostReceipt_RepeatedAfterAPublishFailure_PublishesTheSameEvent()
    {
        using var app = InventoryTestApp.Create(azurite);
        app.Publisher.FailNext = new TimeoutException("Event Hubs unavailable");
        var unavailable = await PostAsync(app, """{"receiptId":"r-1","sku":"A","quantity":5}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("2", unavailable.Headers.GetValues("Retry-After").Single());

        var response = await PostAsync(app, """{"receiptId":"r-1","sku":"A","quantity":5}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(ReceiptDecider.EventIdOf("r-1"), Assert.Single(app.Publisher.Published).Id);
    }

    [Fact]
    public async Task PostReceipt_SameIdDifferentBody_Returns409_AndPublishesNothing()
    {
        using var app = InventoryTestApp.Create(azurite);
        await PostAsync(app, """{"receiptId":"r-1","sku":"A","quantity":5}""");

        var response = await PostAsync(app, """{"receiptId":"r-1","sku":"A","quantity":6}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Headers.GetValues("Content-Type").Single());
        Assert.Single(app.Publisher.Published);
    }

    [Fact]
    public async Task PostReceipt_Invalid_Returns400ProblemDetailsListingEveryError()
    {
        using var app = InventoryTestApp.Create(azurite);

        var response = await PostAsync(app, """{"receiptId":"","quantity":1.5}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Headers.GetValues("Content-Type").Single());
        using var body = JsonDocument.Parse(response.ReadBody());
        Assert.Equal(400, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(["quantity", "receiptId", "sku"], body.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Empty(app.Publisher.Published);
    }

    [Fact]
    public async Task PostReceipt_MalformedJson_Returns400()
    {
        using var app = InventoryTestApp.Create(azurite);

        var response = await PostAsync(app, "{oops");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"body\"", response.ReadBody());
    }

    [Fact]
    public async Task GetStock_UnknownSku_Returns404()
    {
        using var app = InventoryTestApp.Create(azurite);

        var response = await GetAsync(app, "nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Headers.GetValues("Content-Type").Single());
    }

    [Fact]
    public async Task GetStock_AfterReservationAndShipment_ShowsEveryBucket()
    {
        using var app = InventoryTestApp.Create(azurite);
        await app.OnStock("0", app.Stock(InventoryTestData.Receipt("r1", "A", 10)));
        await app.OnSalesOrders("0", app.Placed(InventoryTestData.Order("o1", ("A", 2))), app.Placed(InventoryTestData.Order("o2", ("A", 3))));
        await app.OnShipments("0", app.Shipped(InventoryTestData.Shipment("o1")));

        var response = await GetAsync(app, "A");

        Assert.Equal("""{"sku":"A","available":5,"reserved":3,"committed":2,"received":10}""", response.ReadBody());
    }

    [Fact]
    public async Task SkuWithCharactersTablesForbid_IsStoredAndQueried()
    {
        using var app = InventoryTestApp.Create(azurite);
        await PostAsync(app, """{"receiptId":"r/1#?","sku":"A/B#1?","quantity":2}""");
        await app.OnStock("0", EventBatches.AsReceived(app.Publisher.Published));

        var response = await GetAsync(app, "A/B#1?");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"available\":2", response.ReadBody());
        Assert.Equal(EventIds.Derive("stock-receipt:r/1#?", "stock-received"), ReceiptDecider.EventIdOf("r/1#?"));
    }
}
