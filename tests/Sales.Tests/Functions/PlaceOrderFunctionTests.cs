using System.Text.Json.Nodes;

namespace Store.Sales.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class PlaceOrderFunctionTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestApp _host = SalesTestApp.Create(azurite);

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Valid_order_is_accepted_with_202_and_publishes_order_placed_once()
    {
        var orderId = SalesTestApp.NewOrderId();

        var response = await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($$"""{"orderId":"{{orderId}}","status":"accepted"}""", response.ReadBody());
        Assert.Contains("application/json", response.Headers.GetValues("Content-Type").Single(), StringComparison.Ordinal);
        var published = Assert.Single(_host.SalesEvents());
        Assert.Equal(("sales-orders", orderId, OrderDecider.PlacedId(orderId), CloudEventTypeAttribute.Of<OrderPlaced>()),
            (published.Hub, published.PartitionKey, published.Id, published.Type));
        var decoded = _host.Codec.Decode(published.Body).Event!;
        Assert.Equal(SalesTestApp.T0, decoded.Time);
        Assert.Equal("/store/sales", decoded.Source);
        Assert.Equal(orderId, decoded.Subject);
        var placed = (OrderPlaced)decoded.Data;
        Assert.Equal(("cust-1", 25.50m, "EUR", 2), (placed.CustomerId, placed.Total, placed.Currency, placed.Lines.Count));
    }

    [Fact]
    public async Task The_order_placed_v2_event_carries_the_shipping_address_or_an_explicit_null()
    {
        var (with, without) = (SalesTestApp.NewOrderId(), SalesTestApp.NewOrderId());
        var address = """{"recipient":"Ann Example","line1":"Main Street 1","city":"Bonn","postalCode":"53111","country":"DE"}""";

        Assert.Equal(HttpStatusCode.Accepted, (await _host.PlaceAsync(SalesTestApp.OrderJson(with).TrimEnd('}') + ",\"shippingAddress\":" + address + "}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _host.PlaceAsync(SalesTestApp.OrderJson(without))).StatusCode);

        var data = _host.SalesEvents().Select(e => JsonNode.Parse(e.Body)!).ToDictionary(e => (string)e["subject"]!, e => e["data"]!.AsObject());
        Assert.All(_host.SalesEvents(), e => Assert.Equal("sales.order-placed.v2", e.Type));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(address), data[with]["shippingAddress"]));
        Assert.True(data[without].ContainsKey("shippingAddress") && data[without]["shippingAddress"] is null, "v2 requires the key: null means the address on file");
    }

    [Fact]
    public async Task A_bad_shipping_address_is_400_problem_details_naming_each_field_and_nothing_is_published()
    {
        var orderId = SalesTestApp.NewOrderId();

        var response = await _host.PlaceAsync(SalesTestApp.OrderJson(orderId).TrimEnd('}') + ""","shippingAddress":{"recipient":"","line1":"Main Street 1","postalCode":"53111","country":"Germany"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("application/problem+json", response.Headers.GetValues("Content-Type").Single(), StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(response.ReadBody());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Equal(["shippingAddress.city", "shippingAddress.country", "shippingAddress.recipient"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("ISO 3166-1 alpha-2", errors.GetProperty("shippingAddress.country")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(_host.Publisher.Published);
        Assert.Null(await _host.ReadAsync(orderId));
    }

    [Fact]
    public async Task Accepted_order_is_stored_with_its_acceptance_time_and_an_empty_outbox()
    {
        var orderId = SalesTestApp.NewOrderId();

        await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));

        var record = await _host.ReadAsync(orderId);
        Assert.NotNull(record);
        Assert.Equal("accepted", record.State!.Status);
        Assert.Equal(SalesTestApp.T0, record.State.AcceptedAt);
        Assert.Empty(record.Outbox);
    }

    [Fact]
    public async Task Same_order_id_and_same_body_again_answers_the_same_202_and_publishes_no_second_event()
    {
        var orderId = SalesTestApp.NewOrderId();
        var first = await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));
        _host.Clock().Now = SalesTestApp.T0.AddMinutes(10);

        // Same order, other whitespace, property order and number notation.
        var second = await _host.PlaceAsync($$"""
            { "currency": "EUR", "lines": [ {"unitPrice": 10.250, "quantity": 2, "sku": "SKU-1"}, {"sku": "SKU-2", "quantity": 1, "unitPrice": 5.0} ],
              "customerId": "cust-1", "orderId": "{{orderId}}" }
            """);

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(first.ReadBody(), second.ReadBody());
        Assert.Single(_host.SalesEvents());
        Assert.Equal(SalesTestApp.T0, (await _host.ReadAsync(orderId))!.State!.AcceptedAt);
    }

    [Fact]
    public async Task Different_body_for_an_existing_order_id_is_409_problem_details_and_publishes_nothing()
    {
        var orderId = SalesTestApp.NewOrderId();
        await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));

        var response = await _host.PlaceAsync(SalesTestApp.OrderJson(orderId, customerId: "someone-else"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("application/problem+json", response.Headers.GetValues("Content-Type").Single(), StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(response.ReadBody());
        Assert.Equal(409, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Single(_host.SalesEvents());
    }

    [Fact]
    public async Task Invalid_order_is_400_problem_details_listing_every_error_and_nothing_is_stored_or_published()
    {
        var orderId = SalesTestApp.NewOrderId();

        var response = await _host.PlaceAsync($$"""
            {"orderId":"{{orderId}}","customerId":"","currency":"euro",
             "lines":[{"sku":"","quantity":0,"unitPrice":-0.01},{"sku":"B","quantity":1001,"unitPrice":1}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("application/problem+json", response.Headers.GetValues("Content-Type").Single(), StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(response.ReadBody());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("type").GetString()));
        var fields = problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["currency", "customerId", "lines[0].quantity", "lines[0].sku", "lines[0].unitPrice", "lines[1].quantity"], fields);
        Assert.Empty(_host.Publisher.Published);
        Assert.Null(await _host.ReadAsync(orderId));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    public async Task Malformed_or_missing_body_is_400_problem_details(string body)
    {
        var response = await _host.PlaceAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(response.ReadBody());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("body", out _));
        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task Publish_failure_answers_503_keeps_the_event_in_the_outbox_and_a_retry_republishes_it_under_the_same_id()
    {
        var orderId = SalesTestApp.NewOrderId();
        _host.Publisher.FailNext = new EventHubsException(isTransient: true, "sales-orders", "service busy", EventHubsException.FailureReason.ServiceBusy);

        var failed = await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Contains("application/problem+json", failed.Headers.GetValues("Content-Type").Single(), StringComparison.Ordinal);
        Assert.Equal(503, JsonDocument.Parse(failed.ReadBody()).RootElement.GetProperty("status").GetInt32());
        Assert.Empty(_host.Publisher.Published);
        var stored = await _host.ReadAsync(orderId);
        var pending = Assert.Single(stored!.Outbox);
        Assert.Equal(OrderDecider.PlacedId(orderId), pending.Id);

        _host.Clock().Now = SalesTestApp.T0.AddMinutes(1);
        var retried = await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var published = Assert.Single(_host.SalesEvents());
        Assert.Equal(pending.Id, published.Id);
        Assert.Equal(pending.Body, published.Body);
        Assert.Equal(SalesTestApp.T0, _host.Codec.Decode(published.Body).Event!.Time);
        Assert.Empty((await _host.ReadAsync(orderId))!.Outbox);
    }

    [Fact]
    public async Task Event_left_in_the_outbox_is_published_before_a_later_cancel_of_the_same_order()
    {
        var orderId = SalesTestApp.NewOrderId();
        _host.Publisher.FailNext = new EventHubsException(isTransient: true, "sales-orders");
        await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));

        var cancelled = await _host.CancelAsync(orderId);

        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal([CloudEventTypeAttribute.Of<OrderPlaced>(), CloudEventTypeAttribute.Of<OrderCancelled>()], _host.SalesEvents().Select(e => e.Type));
    }

    [Fact]
    public async Task Concurrent_identical_requests_all_get_202_and_produce_one_order_placed_event_id()
    {
        var orderId = SalesTestApp.NewOrderId();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _host.PlaceAsync(SalesTestApp.OrderJson(orderId))));

        // A request racing the first one's publish may re-publish the outbox entry, always under the same id and bytes.
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal([OrderDecider.PlacedId(orderId)], _host.SalesEvents().Select(e => e.Id).Distinct());
        Assert.Single(_host.SalesEvents().Select(e => Convert.ToBase64String(e.Body)).Distinct());
        Assert.Equal(SalesTestApp.T0, (await _host.ReadAsync(orderId))!.State!.AcceptedAt);
    }

    [Fact]
    public async Task Concurrent_requests_with_different_bodies_for_one_id_accept_exactly_one_and_409_the_rest()
    {
        var orderId = SalesTestApp.NewOrderId();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _host.PlaceAsync(SalesTestApp.OrderJson(orderId, customerId: "cust-" + i))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(_host.SalesEvents().Select(e => e.Id).Distinct());
    }
}
