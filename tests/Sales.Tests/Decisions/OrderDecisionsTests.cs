using Store.Eventing.Publishing;

namespace Store.Sales.Tests.Decisions;

public sealed class OrderDecisionsTests
{
    private static readonly DateTimeOffset T1 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T2 = T1.AddMinutes(5);

    private static PlaceOrder Order(string id = "o-1", decimal price = 10m, string customer = "c-1") =>
        new(id, customer, [new OrderLine("SKU-1", 2, price), new OrderLine("SKU-2", 1, 0.5m)], "EUR");

    private static OrderState Placed(string id = "o-1") => OrderDecider.Place(null, Order(id), T1).NewState!;

    /// <summary>The event was caused at <paramref name="time"/> under the "trace" trace, and its id derives to <paramref name="expectedId"/>.</summary>
    private static void AssertCausedAt(Emit output, DateTimeOffset time, string expectedId)
    {
        Assert.Equal((time, "trace"), (output.Cause!.Value.Time, output.Cause.Value.TraceParent));
        Assert.Equal(expectedId, EventIds.Derive(output.Cause.Value.Scope, output.Role));
    }

    private static ShipmentRequested Shipment(string orderId, string shipmentId = "shp-1") => new(shipmentId, orderId, "c-1", [new OrderLine("SKU-1", 2, 10m)]);

    [Fact]
    public void A_new_order_is_accepted_with_its_event_and_acceptance_time()
    {
        var decision = OrderDecider.Place(null, Order(), T1, "trace");

        Assert.Equal(PlaceOutcome.Accepted, decision.Answer);
        var output = Assert.Single(decision.Outputs!);
        var placed = Assert.IsType<OrderPlaced>(output.Data);
        Assert.Equal(("o-1", "c-1", 20.5m, "EUR"), (placed.OrderId, placed.CustomerId, placed.Total, placed.Currency));
        Assert.Equal(Order().Lines, placed.Lines);
        AssertCausedAt(output, T1, OrderDecider.PlacedId("o-1"));
        Assert.Equal(T1, decision.NewState!.AcceptedAt);
        Assert.Equal("accepted", decision.NewState.Status);
    }

    [Fact]
    public void The_same_order_again_is_already_accepted_with_no_event_and_nothing_written()
    {
        var decision = OrderDecider.Place(Placed(), Order(), T2);

        Assert.Equal(PlaceOutcome.AlreadyAccepted, decision.Answer);
        Assert.Null(decision.NewState);
        Assert.Null(decision.Outputs);
    }

    [Fact]
    public void The_same_order_with_other_number_notation_is_the_same_order()
    {
        var again = Order() with { Lines = [new OrderLine("SKU-1", 2, 10.000m), new OrderLine("SKU-2", 1, 0.50m)] };

        Assert.Equal(PlaceOutcome.AlreadyAccepted, OrderDecider.Place(Placed(), again, T2).Answer);
    }

    [Theory]
    [InlineData("price")]
    [InlineData("customer")]
    [InlineData("currency")]
    [InlineData("line order")]
    public void A_different_order_under_an_existing_id_conflicts(string change)
    {
        var different = change switch
        {
            "price" => Order(price: 11m),
            "customer" => Order(customer: "c-2"),
            "currency" => Order() with { Currency = "USD" },
            _ => Order() with { Lines = Order().Lines.Reverse().ToArray() },
        };

        var decision = OrderDecider.Place(Placed(), different, T2);

        Assert.Equal(PlaceOutcome.Conflict, decision.Answer);
        Assert.Null(decision.NewState);
        Assert.Null(decision.Outputs);
    }

    [Fact]
    public void An_order_whose_shipment_was_recorded_first_is_accepted_and_stays_shipped()
    {
        var marker = OrderDecider.MarkShipped(OrderState.New("o-1"), Shipment("o-1"));

        var decision = OrderDecider.Place(marker, Order(), T1);

        Assert.Equal(PlaceOutcome.Accepted, decision.Answer);
        Assert.True(decision.NewState!.IsShipped);
        Assert.Equal(CancelOutcome.AlreadyShipped, OrderDecider.Cancel(decision.NewState, new CancelOrder("o-1", null), T2).Answer);
    }

    [Fact]
    public void Cancelling_an_accepted_order_emits_order_cancelled_with_customer_and_reason()
    {
        var decision = OrderDecider.Cancel(Placed(), new CancelOrder("o-1", "too slow"), T2, "trace");

        Assert.Equal(CancelOutcome.Cancelled, decision.Answer);
        var output = Assert.Single(decision.Outputs!);
        Assert.Equal(new OrderCancelled("o-1", "c-1", "too slow"), output.Data);
        AssertCausedAt(output, T2, OrderDecider.CancelledId("o-1"));
        Assert.Equal(T2, decision.NewState!.CancelledAt);
        Assert.Equal("cancellation-requested", decision.NewState.Status);
    }

    [Fact]
    public void Cancelling_an_unknown_order_is_not_found()
    {
        Assert.Equal(CancelOutcome.NotFound, OrderDecider.Cancel(null, new CancelOrder("o-1", null), T2).Answer);
    }

    [Fact]
    public void Cancelling_an_order_known_only_from_a_shipment_is_not_found()
    {
        var marker = OrderDecider.MarkShipped(OrderState.New("o-1"), Shipment("o-1"));

        var decision = OrderDecider.Cancel(marker, new CancelOrder("o-1", null), T2);

        Assert.Equal(CancelOutcome.NotFound, decision.Answer);
        Assert.Null(decision.Outputs);
    }

    [Fact]
    public void Cancelling_twice_is_idempotent_with_no_second_event()
    {
        var cancelled = OrderDecider.Cancel(Placed(), new CancelOrder("o-1", "first"), T2).NewState!;

        var again = OrderDecider.Cancel(cancelled, new CancelOrder("o-1", "second"), T2.AddMinutes(1));

        Assert.Equal(CancelOutcome.AlreadyCancelled, again.Answer);
        Assert.Null(again.Outputs);
        Assert.Null(again.NewState);
        Assert.Equal("first", cancelled.CancelReason);
    }

    [Fact]
    public void Cancelling_a_shipped_order_conflicts()
    {
        var shipped = OrderDecider.MarkShipped(Placed(), Shipment("o-1"));

        var decision = OrderDecider.Cancel(shipped, new CancelOrder("o-1", null), T2);

        Assert.Equal(CancelOutcome.AlreadyShipped, decision.Answer);
        Assert.Null(decision.Outputs);
    }

    [Fact]
    public void A_cancel_that_lost_to_the_shipment_shows_shipped_with_the_cancellation_rejected_and_a_repeat_is_409()
    {
        // Fulfillment shipped before it read the cancel (answered 202): the order ships, and Sales says so.
        var cancelled = OrderDecider.Cancel(Placed(), new CancelOrder("o-1", null), T2).NewState!;
        var shippedAfter = OrderDecider.MarkCancellationOutcome(OrderDecider.MarkShipped(cancelled, Shipment("o-1")), CancellationOutcomes.Rejected);

        Assert.Equal(("shipped", "rejected"), (shippedAfter.Status, shippedAfter.CancellationOutcome));
        Assert.Equal(CancelOutcome.AlreadyShipped, OrderDecider.Cancel(shippedAfter, new CancelOrder("o-1", null), T2).Answer);
    }

    [Fact]
    public void A_withdrawn_order_is_cancelled_and_a_repeat_cancel_stays_idempotent()
    {
        var requested = OrderDecider.Cancel(Placed(), new CancelOrder("o-1", null), T2).NewState!;
        var withdrawn = OrderDecider.MarkCancellationOutcome(requested, CancellationOutcomes.Withdrawn);

        Assert.Equal("cancelled", withdrawn.Status);
        Assert.Equal(CancelOutcome.AlreadyCancelled, OrderDecider.Cancel(withdrawn, new CancelOrder("o-1", null), T2).Answer);
        Assert.Same(withdrawn, OrderDecider.MarkCancellationOutcome(withdrawn, CancellationOutcomes.Rejected));
    }

    [Fact]
    public void Marking_shipped_twice_keeps_the_first_shipment()
    {
        var once = OrderDecider.MarkShipped(Placed(), Shipment("o-1", "shp-1"));

        var twice = OrderDecider.MarkShipped(once, Shipment("o-1", "shp-2"));

        Assert.Same(once, twice);
        Assert.Equal("shp-1", twice.ShipmentId);
    }

    [Fact]
    public void Output_ids_depend_only_on_the_order_id_and_the_role()
    {
        Assert.Equal(OrderDecider.PlacedId("o-1"), OrderDecider.PlacedId("o-1"));
        Assert.NotEqual(OrderDecider.PlacedId("o-1"), OrderDecider.PlacedId("o-2"));
        Assert.NotEqual(OrderDecider.PlacedId("o-1"), OrderDecider.CancelledId("o-1"));
    }
}
