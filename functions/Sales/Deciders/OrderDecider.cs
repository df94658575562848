namespace Store.Sales.Deciders;

/// <summary>How a place-order request ends.</summary>
public enum PlaceOutcome
{
    /// <summary>New order: accept it and publish order-placed.</summary>
    Accepted,

    /// <summary>The same order was accepted before: answer the same, publish nothing new.</summary>
    AlreadyAccepted,

    /// <summary>Another order was accepted under this id: 409.</summary>
    Conflict,
}

/// <summary>How a cancel request ends.</summary>
public enum CancelOutcome
{
    /// <summary>Cancel it and publish order-cancelled.</summary>
    Cancelled,

    /// <summary>Already cancelled: answer 202 again, publish nothing new.</summary>
    AlreadyCancelled,

    /// <summary>No such order: 404.</summary>
    NotFound,

    /// <summary>The order ships already: 409.</summary>
    AlreadyShipped,
}

/// <summary>The order lifecycle rules of Sales: pure functions of the current state and the command or event.</summary>
public static class OrderDecider
{
    // Output ids derive from the order id and the event's role: at most one order-placed and one order-cancelled id per
    // order, whatever the number of retries.
    private const string PlacedRole = "order-placed", CancelledRole = "order-cancelled";

    public static string PlacedId(string orderId) => EventIds.Derive(Scope(orderId), PlacedRole);

    public static string CancelledId(string orderId) => EventIds.Derive(Scope(orderId), CancelledRole);

    /// <summary>
    /// Accepts a new order; recognises a repeat of the accepted request by its canonical hash (idempotent);
    /// rejects a different order under an existing id. <paramref name="now"/> becomes the order's acceptance time and
    /// the time of its order-placed event.
    /// </summary>
    public static CommandDecision<OrderState, PlaceOutcome> Place(OrderState? state, PlaceOrder command, DateTimeOffset now, string? traceParent = null)
    {
        var current = state ?? OrderState.New(command.OrderId);
        var hash = command.CanonicalHash();
        if (current.IsPlaced)
        {
            return new(current.RequestHash == hash ? PlaceOutcome.AlreadyAccepted : PlaceOutcome.Conflict);
        }

        // A shipment marker recorded before the order was accepted is kept: the order is then shipped from the start.
        var accepted = current with { CustomerId = command.CustomerId, RequestHash = hash, AcceptedAt = now };
        var placed = new OrderPlaced(command.OrderId, command.CustomerId, command.Lines, command.Total, command.Currency, command.ShippingAddress);
        return new(PlaceOutcome.Accepted, accepted, [new Emit(placed, PlacedRole, new EventCause(Scope(command.OrderId), now, traceParent))]);
    }

    /// <summary>
    /// Requests the cancellation of an accepted order unless it is unknown (404), known to have shipped (409, what Sales
    /// learnt from Fulfillment) or already requested (idempotent 202). Fulfillment decides the outcome.
    /// </summary>
    public static CommandDecision<OrderState, CancelOutcome> Cancel(OrderState? state, CancelOrder command, DateTimeOffset now, string? traceParent = null)
    {
        var outcome = state switch
        {
            null or { IsPlaced: false } => CancelOutcome.NotFound,
            { IsShipped: true } => CancelOutcome.AlreadyShipped,
            { IsCancelled: true } => CancelOutcome.AlreadyCancelled,
            _ => CancelOutcome.Cancelled,
        };
        if (outcome != CancelOutcome.Cancelled)
        {
            return new(outcome);
        }

        var cancelled = state! with { CancelledAt = now, CancelReason = command.Reason };
        return new(outcome, cancelled, [new Emit(new OrderCancelled(state.OrderId, state.CustomerId!, command.Reason), CancelledRole, new EventCause(Scope(state.OrderId), now, traceParent))]);
    }

    /// <summary>Records that Fulfillment requested the order's shipment. Idempotent: the first shipment id is kept.</summary>
    public static OrderState MarkShipped(OrderState state, ShipmentRequested shipment) =>
        state.IsShipped ? state : state with { ShipmentId = shipment.ShipmentId };

    /// <summary>Records Fulfillment's answer to the cancel: withdrawn (the order is cancelled) or rejected (it ships).</summary>
    public static OrderState MarkCancellationOutcome(OrderState state, string outcome) =>
        state.CancellationOutcome is not null ? state : state with { CancellationOutcome = outcome };

    private static string Scope(string orderId) => "sales/orders/" + orderId;
}
