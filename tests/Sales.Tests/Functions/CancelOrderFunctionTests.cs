namespace Store.Sales.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class CancelOrderFunctionTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestApp _host = SalesTestApp.Create(azurite);

    public void Dispose() => _host.Dispose();

    private async Task<string> PlacedOrderAsync()
    {
        var orderId = SalesTestApp.NewOrderId();
        Assert.Equal(HttpStatusCode.Accepted, (await _host.PlaceAsync(SalesTestApp.OrderJson(orderId))).StatusCode);
        return orderId;
    }

    [Fact]
    public async Task An_instance_that_found_no_order_before_another_accepted_it_answers_from_the_table_not_its_cache()
    {
        // Two instances of the app (scale-out) on one table: the first is asked about the order before the second accepts it.
        var orderId = SalesTestApp.NewOrderId();
        var table = _host.Get<Store.Eventing.State.TableStateStore<OrderState>>().Table.Name;
        using var other = new TestApp(SalesRegistration.AddSalesContext, azurite.ConnectionString,
            new Dictionary<string, string?> { [SalesRegistration.OrdersTableSetting] = table }, new FixedTime(SalesTestApp.T0));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.CancelAsync(orderId)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await other.PlaceAsync(SalesTestApp.OrderJson(orderId))).StatusCode);

        var response = await _host.CancelAsync(orderId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal([OrderDecider.CancelledId(orderId)], _host.SalesEvents<OrderCancelled>().Select(e => e.Id));
    }

    [Fact]
    public async Task Cancelling_an_accepted_order_is_202_and_publishes_order_cancelled_with_customer_and_reason()
    {
        var orderId = await PlacedOrderAsync();
        _host.Clock().Now = SalesTestApp.T0.AddMinutes(3);

        var response = await _host.CancelAsync(orderId, """{"reason":"found it cheaper"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($$"""{"orderId":"{{orderId}}","status":"cancellation-requested"}""", response.ReadBody());
        var published = _host.SalesEvents<OrderCancelled>().Single();
        Assert.Equal((orderId, OrderDecider.CancelledId(orderId)), (published.PartitionKey, published.Id));
        var decoded = _host.Codec.Decode(published.Body).Event!;
        Assert.Equal(SalesTestApp.T0.AddMinutes(3), decoded.Time);
        Assert.Equal(new OrderCancelled(orderId, "cust-1", "found it cheaper"), decoded.Data);
    }

    [Fact]
    public async Task Cancelling_without_a_body_is_accepted_and_the_event_has_no_reason()
    {
        var orderId = await PlacedOrderAsync();

        var response = await _host.CancelAsync(orderId);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonDocument.Parse(_host.SalesEvents().Last().Body).RootElement.GetProperty("data");
        Assert.False(body.TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Cancelling_an_unknown_order_is_404_problem_details()
    {
        var response = await _host.CancelAsync(SalesTestApp.NewOrderId());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("application/problem+json", response.Headers.GetValues("Content-Type").Single(), StringComparison.Ordinal);
        Assert.Equal(404, JsonDocument.Parse(response.ReadBody()).RootElement.GetProperty("status").GetInt32());
        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task Cancelling_twice_answers_202_both_times_and_publishes_one_event()
    {
        var orderId = await PlacedOrderAsync();

        var first = await _host.CancelAsync(orderId, """{"reason":"first"}""");
        var second = await _host.CancelAsync(orderId, """{"reason":"second"}""");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(first.ReadBody(), second.ReadBody());
        Assert.Single(_host.SalesEvents<OrderCancelled>());
    }

    [Fact]
    public async Task Cancelling_after_the_shipment_was_requested_is_409_and_publishes_nothing()
    {
        var orderId = await PlacedOrderAsync();
        await _host.DeliverShipmentsAsync([EventBatches.Received(_host.ShipmentRequested(orderId), 1, orderId)]);

        var response = await _host.CancelAsync(orderId);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(409, JsonDocument.Parse(response.ReadBody()).RootElement.GetProperty("status").GetInt32());
        Assert.Empty(_host.SalesEvents<OrderCancelled>());
    }

    [Theory]
    [InlineData("{oops")]
    [InlineData("""{"reason":7}""")]
    public async Task Invalid_cancel_body_is_400_problem_details(string body)
    {
        var orderId = await PlacedOrderAsync();

        var response = await _host.CancelAsync(orderId, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(response.ReadBody()).RootElement.TryGetProperty("errors", out _));
        Assert.Empty(_host.SalesEvents<OrderCancelled>());
    }

    [Fact]
    public async Task Cancel_publish_failure_answers_503_and_the_retry_republishes_the_same_event()
    {
        var orderId = await PlacedOrderAsync();
        _host.Publisher.FailNext = new TimeoutException("event hubs timed out");

        var failed = await _host.CancelAsync(orderId, """{"reason":"r"}""");
        _host.Clock().Now = SalesTestApp.T0.AddHours(1);
        var retried = await _host.CancelAsync(orderId, """{"reason":"r"}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var cancelled = Assert.Single(_host.SalesEvents<OrderCancelled>());
        Assert.Equal(OrderDecider.CancelledId(orderId), cancelled.Id);
        Assert.Equal(SalesTestApp.T0, _host.Codec.Decode(cancelled.Body).Event!.Time);
    }

    [Fact]
    public async Task Cancel_racing_the_shipment_trigger_ends_consistent_either_cancelled_or_409()
    {
        for (var i = 0; i < 5; i++)
        {
            var orderId = await PlacedOrderAsync();

            var cancel = _host.CancelAsync(orderId);
            var ship = _host.DeliverShipmentsAsync([EventBatches.Received(_host.ShipmentRequested(orderId), 1, orderId)]);
            await Task.WhenAll(cancel, ship);
            var answer = await cancel;

            var state = (await _host.ReadAsync(orderId))!.State!;
            Assert.True(state.IsShipped);
            // Counted by id: a concurrent writer may re-publish an outbox entry it cannot know was published, always under the same id.
            var cancelEvents = _host.SalesEvents<OrderCancelled>().Where(e => e.PartitionKey == orderId).Select(e => e.Id).Distinct().Count();
            if (answer.StatusCode == HttpStatusCode.Accepted)
            {
                Assert.True(state.IsCancelled);
                Assert.Equal(1, cancelEvents);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
                Assert.False(state.IsCancelled);
                Assert.Equal(0, cancelEvents);
            }
        }
    }
}
