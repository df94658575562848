namespace Store.Fulfillment.Deciders;

/// <summary>Envelope facts of an input event that decisions may use (never the clock).</summary>
public readonly record struct EventMeta(string Id, DateTimeOffset Time, string? TraceParent);

/// <summary>The Fulfillment join as a pure function, deciding on each order's row (see ../README.md).</summary>
public sealed class FulfillmentDecider : IKeyedDecider<FulfillmentOrder>
{
    /// <summary>An order's row: 256 hash buckets of the order id (a batch's orders coalesce into few transactions), row key the escaped id.</summary>
    public static EntityKey KeyOf(string orderId) => TableKeys.Bucketed(orderId, 2);

    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data is IOrderEvent { OrderId: var orderId } ? KeyOf(orderId) : null;

    /// <inheritdoc />
    public FulfillmentOrder Initial(EntityKey key) => new(TableKeys.IdOf(key.RowKey));

    /// <inheritdoc />
    public Decision<FulfillmentOrder> Decide(FulfillmentOrder state, InboundEvent e) => Decide(state, new EventMeta(e.Event.Id, e.Event.Time, e.Event.TraceParent), e.Event.Data);

    /// <summary>The roles of an order's outputs: with the order's <see cref="Scope"/> they name the outputs' ids.</summary>
    public const string ShipmentRequestedRole = "shipment-requested", WithdrawnRole = "order-withdrawn", RejectedRole = "cancellation-rejected";

    /// <summary>Why a cancellation is rejected (the only reason there is).</summary>
    public const string AlreadyShipped = "already-shipped";

    /// <summary>What the ids of an order's outputs derive from (with their roles): the order id only, whatever input caused them.</summary>
    public static string Scope(string orderId) => "fulfillment/" + orderId;

    /// <summary>The shipment id of an order: derived from the order id only, so every arrival order gives the same id.</summary>
    public static string ShipmentIdFor(string orderId) => EventIds.Derive(Scope(orderId), "shipment");

    /// <summary>Applies one input event to an order: its new state and what it emits (<c>shipment-requested</c>, the answer to a cancel, or nothing).</summary>
    public static Decision<FulfillmentOrder> Decide(FulfillmentOrder state, EventMeta meta, object data)
    {
        var next = data switch
        {
            OrderPlaced p => state with { Placed = state.Placed ?? new PlacedOrder(p.CustomerId, p.Lines, p.Total, p.Currency, meta.Time, meta.Id, meta.TraceParent, p.ShippingAddress) },
            StockReserved r => state with { Reserved = state.Reserved ?? new ReservedStock(r.CustomerId, r.Lines, meta.Time, meta.Id) },
            PaymentAuthorized => state with { Authorized = state.Authorized ?? new JoinedFact(meta.Time, meta.Id) },
            PaymentDeclined d => state with { Declined = state.Declined ?? new DeclinedPayment(d.Reason, meta.Time, meta.Id) },
            OrderCancelled c => state with { Cancelled = state.Cancelled ?? new CancelRequest(c.CustomerId, c.Reason, meta.Time, meta.Id, meta.TraceParent) },
            _ => throw new ArgumentException($"Fulfillment does not handle {data.GetType().Name}.", nameof(data)),
        };

        // The first cancel recorded is answered once, against the state as it was before it: whether a shipment went out.
        return state.Cancelled is null && next.Cancelled is { } cancel
            ? new Decision<FulfillmentOrder>(next, [AnswerCancel(next, cancel)])
            : TryRequestShipment(next);
    }

    /// <summary>True when the order is ready to ship: placed, reserved, authorised, not cancelled, not declined, not yet requested.</summary>
    public static bool IsReadyToShip(FulfillmentOrder order) =>
        !order.ShipmentRequested && order.Cancelled is null && order.Declined is null &&
        order.Placed is not null && order.Reserved is not null && order.Authorized is not null;

    private static Emit AnswerCancel(FulfillmentOrder order, CancelRequest cancel)
    {
        // The customer named in the cancel; a row stored before cancels carried it falls back to the placed order's.
        var customerId = cancel.CustomerId ?? order.Placed?.CustomerId ?? "";

        // Time and trace are the cancel's, so the answer is byte-identical however often the cancel is redelivered.
        var cause = new EventCause(Scope(order.OrderId), cancel.Time, cancel.TraceParent);
        return order.ShipmentRequested
            ? new Emit(new CancellationRejected(order.OrderId, customerId, order.ShipmentId!, AlreadyShipped), RejectedRole, cause)
            : new Emit(new OrderWithdrawn(order.OrderId, customerId, cancel.Reason), WithdrawnRole, cause);
    }

    private static Decision<FulfillmentOrder> TryRequestShipment(FulfillmentOrder order)
    {
        if (!IsReadyToShip(order))
        {
            return new Decision<FulfillmentOrder>(order);
        }

        var placed = order.Placed!;
        var shipmentId = ShipmentIdFor(order.OrderId);
        var data = new ShipmentRequested(
            shipmentId,
            order.OrderId,
            placed.CustomerId,
            placed.Lines.Select(l => new ShipmentLine(l.Sku, l.Quantity, l.UnitPrice)).ToArray(),
            placed.Total,
            placed.Currency,
            placed.ShippingAddress);

        // The time is the latest of the joined inputs and the trace is the order's own (order-placed), so the output
        // is byte-identical whichever input completes the join and however often it is redelivered.
        var time = new[] { placed.Time, order.Reserved!.Time, order.Authorized!.Time }.Max();
        return new Decision<FulfillmentOrder>(order with { ShipmentId = shipmentId },
            [new Emit(data, ShipmentRequestedRole, new EventCause(Scope(order.OrderId), time, placed.TraceParent))]);
    }
}
