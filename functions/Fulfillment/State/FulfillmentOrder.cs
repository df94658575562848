namespace Store.Fulfillment.State;

/// <summary>
/// What Fulfillment knows about one order: the facts of the join, each recorded once (the first event of a kind wins),
/// and the shipment id once the shipment has been requested. Fulfillment alone decides whether the order ships or is
/// abandoned: a cancel recorded before the shipment withdraws it for good, one recorded after it is rejected.
/// </summary>
public sealed record FulfillmentOrder(
    string OrderId,
    PlacedOrder? Placed = null,
    ReservedStock? Reserved = null,
    JoinedFact? Authorized = null,
    DeclinedPayment? Declined = null,
    CancelRequest? Cancelled = null,
    string? ShipmentId = null)
{
    /// <summary>True once <c>shipment-requested</c> has been emitted; it is never emitted again.</summary>
    public bool ShipmentRequested => ShipmentId is not null;

    /// <summary>True when the cancel won: it was recorded before any shipment, so the order never ships.</summary>
    public bool Withdrawn => Cancelled is not null && !ShipmentRequested;
}

/// <summary>
/// The order-placed details the shipment carries (prices, total, currency, address: null ships to the address on file)
/// and its time and trace.
/// </summary>
public sealed record PlacedOrder(
    string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency, DateTimeOffset Time, string EventId, string? TraceParent, ShippingAddress? ShippingAddress = null);

/// <summary>The stock reservation of the order.</summary>
public sealed record ReservedStock(string CustomerId, IReadOnlyList<ReservedLine> Lines, DateTimeOffset Time, string EventId);

/// <summary>A fact without payload that matters here: when it happened and which event said so.</summary>
public sealed record JoinedFact(DateTimeOffset Time, string EventId);

/// <summary>The customer's cancel as Fulfillment read it (customer and reason for the withdrawal it answers with).</summary>
public sealed record CancelRequest(string? CustomerId, string? Reason, DateTimeOffset Time, string EventId, string? TraceParent);

/// <summary>A declined payment: the order is not shippable.</summary>
public sealed record DeclinedPayment(string Reason, DateTimeOffset Time, string EventId);
