namespace Store.Tracking.Projections;

/// <summary>The order-status view as pure functions of the order's set of facts (see ../README.md).</summary>
public static class OrderStatus
{
    public const string Cancelled = "cancelled";
    public const string CancellationRequested = "cancellation-requested";
    public const string ShipmentRequested = "shipment-requested";
    public const string PaymentDeclined = "payment-declined";
    public const string ReservationRejected = "reservation-rejected";
    public const string ReservationReleased = "reservation-released";
    public const string AwaitingShipment = "awaiting-shipment";
    public const string PaymentAuthorized = "payment-authorized";
    public const string StockReserved = "stock-reserved";
    public const string Placed = "placed";

    public static TrackedOrder Empty(string orderId) => new(orderId, [], Project(orderId, []));

    /// <summary>Applies one event (its id, type, time and data) to an order.</summary>
    public static TrackedOrder Apply(TrackedOrder order, string eventId, string type, DateTimeOffset time, object data)
    {
        if (order.Facts.Any(f => f.EventId == eventId))
        {
            return order;
        }

        var fact = FactOf(eventId, type, time, data);
        // Canonical fact order: event time, then type, then event id (ordinal), a total order on distinct events.
        var facts = order.Facts.Append(fact)
            .OrderBy(f => f.Time.UtcTicks).ThenBy(f => f.Type, StringComparer.Ordinal).ThenBy(f => f.EventId, StringComparer.Ordinal)
            .ToArray();
        return new TrackedOrder(order.OrderId, facts, Project(order.OrderId, facts));
    }

    /// <summary>Reduces an event to the fields the view needs.</summary>
    public static TrackedFact FactOf(string eventId, string type, DateTimeOffset time, object data) => data switch
    {
        OrderPlaced p => new TrackedFact(type, time, eventId, p.CustomerId, Total: p.Total, Currency: p.Currency, LineCount: p.Lines.Count),
        OrderCancelled c => new TrackedFact(type, time, eventId, c.CustomerId, Reason: c.Reason),
        StockReserved r => new TrackedFact(type, time, eventId, r.CustomerId, LineCount: r.Lines.Count),
        StockReservationRejected j => new TrackedFact(type, time, eventId, j.CustomerId, LineCount: j.ShortLines.Count),
        StockReleased l => new TrackedFact(type, time, eventId, l.CustomerId, LineCount: l.Lines.Count, Reason: l.Reason),
        PaymentAuthorized a => new TrackedFact(type, time, eventId, a.CustomerId, Amount: a.Amount, Currency: a.Currency),
        PaymentDeclined d => new TrackedFact(type, time, eventId, d.CustomerId, Amount: d.Amount, Currency: d.Currency, Reason: d.Reason),
        ShipmentRequested s => new TrackedFact(type, time, eventId, s.CustomerId, Total: s.Total, Currency: s.Currency, LineCount: s.Lines.Count, ShipmentId: s.ShipmentId),
        OrderWithdrawn w => new TrackedFact(type, time, eventId, w.CustomerId, Reason: w.Reason),
        CancellationRejected r => new TrackedFact(type, time, eventId, r.CustomerId, Reason: r.Reason, ShipmentId: r.ShipmentId),
        _ => throw new ArgumentException($"Tracking does not handle {data.GetType().Name}.", nameof(data)),
    };

    /// <summary>The view of a set of facts (given in canonical order).</summary>
    public static OrderStatusView Project(string orderId, IReadOnlyList<TrackedFact> facts)
    {
        // Any major version of the event: rows written before an upcast existed keep the old version's type in their facts.
        TrackedFact? First<T>() => facts.FirstOrDefault(f => CloudEventTypeAttribute.EventOf(f.Type) == CloudEventTypeAttribute.EventOf(CloudEventTypeAttribute.Of<T>()));

        var placed = First<OrderPlaced>();
        var reserved = First<StockReserved>();
        var rejected = First<StockReservationRejected>();
        var released = First<StockReleased>();
        var authorized = First<PaymentAuthorized>();
        var declined = First<PaymentDeclined>();
        var shipment = First<ShipmentRequested>();
        var cancelled = First<OrderCancelled>();
        var withdrawn = First<OrderWithdrawn>();
        var cancellationRejected = First<CancellationRejected>();

        var reservation = released is not null ? new ReservationView("released", released.Time, released.Reason)
            : rejected is not null ? new ReservationView("rejected", rejected.Time)
            : reserved is not null ? new ReservationView("reserved", reserved.Time)
            : null;
        var payment = declined is not null ? new PaymentView("declined", declined.Amount ?? 0, declined.Currency ?? "", declined.Time, declined.Reason)
            : authorized is not null ? new PaymentView("authorized", authorized.Amount ?? 0, authorized.Currency ?? "", authorized.Time)
            : null;

        var status =
            shipment is not null ? ShipmentRequested
            : withdrawn is not null ? Cancelled
            : declined is not null ? PaymentDeclined
            : rejected is not null ? ReservationRejected
            : released is not null ? ReservationReleased
            : cancelled is not null ? CancellationRequested
            : reserved is not null && authorized is not null ? AwaitingShipment
            : authorized is not null ? PaymentAuthorized
            : reserved is not null ? StockReserved
            : Placed;

        return new OrderStatusView(
            orderId,
            status,
            placed?.CustomerId ?? facts.FirstOrDefault(f => f.CustomerId is not null)?.CustomerId,
            placed is null ? null : new PlacedView(placed.CustomerId!, placed.Total ?? 0, placed.Currency ?? "", placed.LineCount ?? 0, placed.Time),
            reservation,
            payment,
            shipment is null ? null : new ShipmentView(shipment.ShipmentId!, shipment.Time),
            Cancellation(cancelled, withdrawn, cancellationRejected),
            facts.Select(f => new TimelineEntry(f.Type, f.Time, f.EventId)).ToArray());
    }

    /// <summary>The cancellation section: the request (or, if it has not arrived yet, Fulfillment's answer) and the answer.</summary>
    private static CancellationView? Cancellation(TrackedFact? requested, TrackedFact? withdrawn, TrackedFact? rejected)
    {
        var answer = withdrawn ?? rejected;
        if ((requested ?? answer) is not { } first)
        {
            return null;
        }

        return new CancellationView(
            first.Time,
            requested?.Reason ?? withdrawn?.Reason,
            withdrawn is not null ? "withdrawn" : rejected is not null ? "rejected" : "requested",
            rejected?.Reason);
    }
}
