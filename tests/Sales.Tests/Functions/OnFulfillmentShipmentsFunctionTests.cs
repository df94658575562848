using System.Text;
using Store.Eventing.DeadLetters;

namespace Store.Sales.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class OnFulfillmentShipmentsFunctionTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TestApp _host = SalesTestApp.Create(azurite);

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Shipment_requested_marks_the_order_shipped_and_emits_nothing()
    {
        var orderId = SalesTestApp.NewOrderId();
        await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));
        _host.Publisher.Clear();

        var outcome = await _host.DeliverShipmentsAsync([EventBatches.Received(_host.ShipmentRequested(orderId, "shp-9"), 1, orderId)]);

        Assert.Equal((1, 1, 0, 0), (outcome.Received, outcome.Processed, outcome.Emitted, outcome.DeadLettered));
        var state = (await _host.ReadAsync(orderId))!.State!;
        Assert.Equal(("shipped", "shp-9"), (state.Status, state.ShipmentId));
        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task Fulfillments_answer_to_a_cancel_is_the_orders_final_state()
    {
        var withdrawnId = SalesTestApp.NewOrderId();
        var rejectedId = SalesTestApp.NewOrderId();
        foreach (var id in new[] { withdrawnId, rejectedId })
        {
            await _host.PlaceAsync(SalesTestApp.OrderJson(id));
            Assert.Equal(HttpStatusCode.Accepted, (await _host.CancelAsync(id)).StatusCode);
            Assert.Equal("cancellation-requested", (await _host.ReadAsync(id))!.State!.Status);
        }

        _host.Publisher.Clear();
        var outcome = await _host.DeliverShipmentsAsync(
        [
            EventBatches.Received(_host.OrderWithdrawn(withdrawnId), 1, withdrawnId),
            EventBatches.Received(_host.ShipmentRequested(rejectedId), 2, rejectedId),
            EventBatches.Received(_host.CancellationRejected(rejectedId), 3, rejectedId),
        ]);

        Assert.Equal((3, 0, 0), (outcome.Processed, outcome.Emitted, outcome.DeadLettered));
        Assert.Equal(("cancelled", "withdrawn"), ((await _host.ReadAsync(withdrawnId))!.State!.Status, (await _host.ReadAsync(withdrawnId))!.State!.CancellationOutcome));
        Assert.Equal(("shipped", "rejected"), ((await _host.ReadAsync(rejectedId))!.State!.Status, (await _host.ReadAsync(rejectedId))!.State!.CancellationOutcome));
        Assert.Equal(HttpStatusCode.Conflict, (await _host.CancelAsync(rejectedId)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _host.CancelAsync(withdrawnId)).StatusCode);
        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task Redelivery_of_the_same_batch_is_a_no_op()
    {
        var orderId = SalesTestApp.NewOrderId();
        await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));
        var batch = new[] { EventBatches.Received(_host.ShipmentRequested(orderId), 7, orderId) };
        await _host.DeliverShipmentsAsync(batch);
        var before = await _host.ReadAsync(orderId);
        _host.Publisher.Clear();

        var again = await _host.DeliverShipmentsAsync(batch);

        Assert.Equal((0, 1, 0), (again.Processed, again.Duplicates, again.Emitted));
        var after = await _host.ReadAsync(orderId);
        Assert.Equal(before!.ETag, after!.ETag);
        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task Same_shipment_event_redelivered_at_another_sequence_number_is_a_duplicate()
    {
        var orderId = SalesTestApp.NewOrderId();
        await _host.PlaceAsync(SalesTestApp.OrderJson(orderId));
        await _host.DeliverShipmentsAsync([EventBatches.Received(_host.ShipmentRequested(orderId), 1, orderId)]);

        var again = await _host.DeliverShipmentsAsync([EventBatches.Received(_host.ShipmentRequested(orderId), 2, orderId)], partitionId: "1");

        Assert.Equal((0, 1), (again.Processed, again.Duplicates));
    }

    [Fact]
    public async Task Malformed_and_schema_invalid_events_are_dead_lettered_and_the_rest_of_the_batch_is_processed()
    {
        var first = SalesTestApp.NewOrderId();
        var second = SalesTestApp.NewOrderId();
        await _host.PlaceAsync(SalesTestApp.OrderJson(first));
        await _host.PlaceAsync(SalesTestApp.OrderJson(second));
        _host.Publisher.Clear();
        var schemaInvalid = Encoding.UTF8.GetBytes($$$"""
            {"specversion":"1.0","id":"bad-1","source":"/tests","type":"fulfillment.shipment-requested.v1","subject":"{{{first}}}",
             "time":"2026-01-01T00:00:00Z","data":{"orderId":"{{{first}}}","customerId":"c","lines":[]}}
            """);

        var outcome = await _host.DeliverShipmentsAsync(
        [
            EventBatches.Received(_host.ShipmentRequested(first), 10, first),
            EventBatches.ReceivedText("{ this is not json", 11),
            EventBatches.Received(schemaInvalid, 12, first),
            EventBatches.Received(_host.ShipmentRequested(second), 13, second),
        ]);

        Assert.Equal((4, 2, 2), (outcome.Received, outcome.Processed, outcome.DeadLettered));
        var deadLetterCodec = new CloudEventCodec(new EventTypeRegistry().Add(DeadLetterWriter.EventType, DeadLetterJsonContext.Default.EventDeadLettered));
        var deadLetters = _host.DeadLetters.Select(d => (EventDeadLettered)deadLetterCodec.Decode(d.Body).Event!.Data).OrderBy(d => d.SequenceNumber).ToArray();
        Assert.Equal([11L, 12L], deadLetters.Select(d => d.SequenceNumber));
        Assert.Equal(["malformed-json", "schema-violation"], deadLetters.Select(d => d.Error.Kind));
        Assert.All(deadLetters, d => Assert.Equal(("Sales", "sales", "fulfillment-shipments"), (d.Consumer, d.ConsumerGroup, d.SourceHub)));
        Assert.Equal("{ this is not json", deadLetters[0].Body);
        Assert.True((await _host.ReadAsync(first))!.State!.IsShipped);
        Assert.True((await _host.ReadAsync(second))!.State!.IsShipped);
    }

    [Fact]
    public async Task Shipment_for_an_order_sales_never_accepted_leaves_a_marker_so_cancel_is_404_then_409_once_accepted()
    {
        var orderId = SalesTestApp.NewOrderId();

        await _host.DeliverShipmentsAsync([EventBatches.Received(_host.ShipmentRequested(orderId), 1, orderId)]);

        Assert.Equal("unknown", (await _host.ReadAsync(orderId))!.State!.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.CancelAsync(orderId)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _host.PlaceAsync(SalesTestApp.OrderJson(orderId))).StatusCode);
        Assert.Single(_host.SalesEvents<OrderPlaced>());
        Assert.Equal(HttpStatusCode.Conflict, (await _host.CancelAsync(orderId)).StatusCode);
    }

    [Fact]
    public async Task Order_placed_event_left_in_the_outbox_by_a_failed_request_is_published_by_the_shipment_trigger()
    {
        var orderId = SalesTestApp.NewOrderId();
        _host.Publisher.FailNext = new TimeoutException("down");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _host.PlaceAsync(SalesTestApp.OrderJson(orderId))).StatusCode);

        var outcome = await _host.DeliverShipmentsAsync([EventBatches.Received(_host.ShipmentRequested(orderId), 1, orderId)]);

        Assert.Equal(1, outcome.Emitted);
        var placed = Assert.Single(_host.SalesEvents());
        Assert.Equal(Store.Sales.Deciders.OrderDecider.PlacedId(orderId), placed.Id);
        var data = JsonDocument.Parse(placed.Body).RootElement.GetProperty("data");
        Assert.Equal(orderId, data.GetProperty("orderId").GetString());
    }
}
