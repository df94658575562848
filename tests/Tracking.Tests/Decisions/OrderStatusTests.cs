using static Store.Tracking.Tests.Samples;

namespace Store.Tracking.Tests.Decisions;

public sealed class OrderStatusTests
{
    private const string OrderId = "order-1";

    public static TrackedOrder Run(IEnumerable<TestEvent> events) =>
        events.Aggregate(OrderStatus.Empty(OrderId), (order, e) => OrderStatus.Apply(order, e.Id, e.Type, e.Time, e.Data));

    private static OrderStatusView View(params TestEvent[] events) => Run(events).View;

    [Fact]
    public void OrderPlaced_ShowsCustomerTotalCurrencyAndLineCount()
    {
        var view = View(Placed(OrderId));

        Assert.Equal(OrderStatus.Placed, view.Status);
        Assert.Equal("c-1", view.CustomerId);
        Assert.Equal(new PlacedView("c-1", 25.00m, "EUR", 2, T0), view.Placed);
        Assert.Null(view.Reservation);
        Assert.Null(view.Payment);
    }

    [Theory]
    [InlineData("reserved", OrderStatus.StockReserved)]
    [InlineData("authorized", OrderStatus.PaymentAuthorized)]
    [InlineData("reserved+authorized", OrderStatus.AwaitingShipment)]
    [InlineData("reserved+authorized+shipped", OrderStatus.ShipmentRequested)]
    [InlineData("rejected+authorized", OrderStatus.ReservationRejected)]
    [InlineData("reserved+declined", OrderStatus.PaymentDeclined)]
    [InlineData("reserved+declined+released", OrderStatus.PaymentDeclined)]
    [InlineData("reserved+released", OrderStatus.ReservationReleased)]
    [InlineData("rejected+declined", OrderStatus.PaymentDeclined)]
    [InlineData("reserved+authorized+cancelled", OrderStatus.CancellationRequested)]
    [InlineData("reserved+authorized+shipped+cancelled", OrderStatus.ShipmentRequested)]
    [InlineData("reserved+authorized+shipped+cancelled+cancellation-rejected", OrderStatus.ShipmentRequested)]
    [InlineData("cancelled+withdrawn", OrderStatus.Cancelled)]
    [InlineData("cancelled+withdrawn+reserved+released", OrderStatus.Cancelled)]
    [InlineData("cancelled+withdrawn+reserved+declined+released", OrderStatus.Cancelled)]
    [InlineData("rejected+cancelled+withdrawn", OrderStatus.Cancelled)]
    public void Status_FollowsTheDocumentedPrecedence(string events, string expected)
    {
        var all = new Dictionary<string, TestEvent>
        {
            ["reserved"] = Reserved(OrderId), ["rejected"] = Rejected(OrderId), ["released"] = Released(OrderId),
            ["authorized"] = Authorized(OrderId), ["declined"] = Declined(OrderId), ["shipped"] = Shipped(OrderId), ["cancelled"] = Cancelled(OrderId),
            ["withdrawn"] = Withdrawn(OrderId, 6), ["cancellation-rejected"] = CancellationRejected(OrderId, 6),
        };

        var view = View([Placed(OrderId), .. events.Split('+').Select(k => all[k])]);

        Assert.Equal(expected, view.Status);
    }

    [Fact]
    public void Cancellation_ShowsTheRequestAndFulfillmentsAnswer()
    {
        Assert.Equal(new CancellationView(T0.AddMinutes(5), "changed my mind"), View(Cancelled(OrderId)).Cancellation);
        Assert.Equal(new CancellationView(T0.AddMinutes(5), "changed my mind", "withdrawn"), View(Cancelled(OrderId), Withdrawn(OrderId, 6)).Cancellation);
        Assert.Equal(
            new CancellationView(T0.AddMinutes(5), "changed my mind", "rejected", "already-shipped"),
            View(Shipped(OrderId), Cancelled(OrderId), CancellationRejected(OrderId, 6)).Cancellation);

        // Fulfillment's answer can arrive before the request itself (different hubs): the view already shows it.
        Assert.Equal(new CancellationView(T0.AddMinutes(6), "changed my mind", "withdrawn"), View(Withdrawn(OrderId, 6)).Cancellation);
        Assert.Equal(OrderStatus.Cancelled, View(Withdrawn(OrderId, 6)).Status);
    }

    [Fact]
    public void Reservation_ReleasedOutranksRejectedOutranksReserved()
    {
        Assert.Equal("reserved", View(Reserved(OrderId)).Reservation!.Status);
        Assert.Equal("rejected", View(Rejected(OrderId)).Reservation!.Status);
        Assert.Equal(new ReservationView("released", T0.AddMinutes(6), "order-cancelled"), View(Reserved(OrderId), Released(OrderId)).Reservation);
    }

    [Fact]
    public void Payment_ShowsAuthorizationOrDeclineWithReason()
    {
        Assert.Equal(new PaymentView("authorized", 25.00m, "EUR", T0.AddMinutes(1)), View(Authorized(OrderId)).Payment);
        Assert.Equal(new PaymentView("declined", 25.00m, "EUR", T0.AddMinutes(1), "limit-exceeded"), View(Declined(OrderId)).Payment);
    }

    [Fact]
    public void ShipmentAndCancellation_AreShownWithTheirTimes()
    {
        var view = View(Placed(OrderId), Shipped(OrderId), Cancelled(OrderId));

        Assert.Equal(new ShipmentView("ship-" + OrderId, T0.AddMinutes(2)), view.Shipment);
        Assert.Equal(new CancellationView(T0.AddMinutes(5), "changed my mind"), view.Cancellation);
    }

    [Fact]
    public void EventsBeforeOrderPlaced_StillShowWhatIsKnownAndCustomerFromThoseEvents()
    {
        var view = View(Authorized(OrderId), Reserved(OrderId, 2));

        Assert.Null(view.Placed);
        Assert.Equal("c-1", view.CustomerId);
        Assert.Equal(OrderStatus.AwaitingShipment, view.Status);
    }

    [Fact]
    public void Timeline_IsSortedByTimeThenType()
    {
        // Reserved and authorized share a time: the type breaks the tie ("inventory..." < "payments...").
        var view = View(Shipped(OrderId, 3), Authorized(OrderId, 1), Placed(OrderId, 0), Reserved(OrderId, 1));

        Assert.Equal(
            new[] { CloudEventTypeAttribute.Of<OrderPlaced>(), CloudEventTypeAttribute.Of<StockReserved>(), CloudEventTypeAttribute.Of<PaymentAuthorized>(), CloudEventTypeAttribute.Of<ShipmentRequested>() },
            view.Timeline.Select(t => t.Type).ToArray());
        Assert.Equal(new TimelineEntry(CloudEventTypeAttribute.Of<OrderPlaced>(), T0, OrderId + "-placed"), view.Timeline[0]);
    }

    [Fact]
    public void A_row_stored_before_v2_keeps_its_v1_placed_fact_and_still_shows_the_order()
    {
        // A row written before the upcaster existed holds its order-placed fact under the v1 type.
        var placed = Placed(OrderId);
        var stored = Run([placed with { Type = CloudEventTypeAttribute.Of<OrderPlacedV1>() }]);

        var view = OrderStatus.Apply(stored, OrderId + "-reserved", CloudEventTypeAttribute.Of<StockReserved>(), T0.AddMinutes(1), Reserved(OrderId).Data).View;

        Assert.Equal((OrderStatus.StockReserved, 25.00m, 2), (view.Status, view.Placed?.Total, view.Placed?.LineCount));
        Assert.Equal("sales.order-placed.v1", view.Timeline[0].Type);
    }

    [Fact]
    public void SameEventTwice_IsAppliedOnce()
    {
        var once = Run([Placed(OrderId), Reserved(OrderId)]);
        var twice = Run([Placed(OrderId), Reserved(OrderId), Reserved(OrderId), Placed(OrderId)]);

        Assert.Equal(Json(once), Json(twice));
        Assert.Equal(2, twice.View.Timeline.Count);
    }

    public static string Json(TrackedOrder order) => JsonSerializer.Serialize(order, TrackingJson.Default.TrackedOrder);
}
