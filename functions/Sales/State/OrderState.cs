namespace Store.Sales.State;

/// <summary>
/// What Sales knows about one order: accepted (with its request hash), cancel requested, and what Fulfillment made of it.
/// A row with only <see cref="ShipmentId"/> set is a shipment for an order Sales has not accepted (see <see cref="IsPlaced"/>).
/// </summary>
public sealed record OrderState
{
    /// <summary>The client-supplied order id.</summary>
    public required string OrderId { get; init; }

    /// <summary>The customer, once the order is accepted.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Hash of the canonical form of the accepted request; null until accepted.</summary>
    public string? RequestHash { get; init; }

    /// <summary>When the order was first accepted: the time of its order-placed event.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>When the customer asked to cancel: the time of its order-cancelled event (a request until Fulfillment answers).</summary>
    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>The reason given with the cancellation, if any.</summary>
    public string? CancelReason { get; init; }

    /// <summary>The shipment Fulfillment requested for this order; null until shipped.</summary>
    public string? ShipmentId { get; init; }

    /// <summary>Fulfillment's answer to the cancel: "withdrawn" (it took effect) or "rejected" (already shipped); null until then.</summary>
    public string? CancellationOutcome { get; init; }

    /// <summary>
    /// "accepted", "cancellation-requested" (202 given, Fulfillment has not answered yet), "cancelled" (withdrawn),
    /// "shipped" (whether or not a cancel was rejected) or "unknown" (a marker without an accepted order); for people
    /// reading the table and for the system test. A shipment outranks a cancel: Fulfillment never ships a withdrawn order.
    /// </summary>
    public string Status => (IsPlaced, IsShipped, IsCancelled, IsWithdrawn) switch
    {
        (true, true, _, _) => "shipped",
        (true, _, _, true) => "cancelled",
        (true, _, true, _) => "cancellation-requested",
        (true, _, _, _) => "accepted",
        _ => "unknown",
    };

    /// <summary>True once Fulfillment withdrew the order: the cancellation took effect and the order never ships.</summary>
    [JsonIgnore]
    public bool IsWithdrawn => CancellationOutcome == CancellationOutcomes.Withdrawn;

    /// <summary>True once Sales accepted the order.</summary>
    [JsonIgnore]
    public bool IsPlaced => RequestHash is not null;

    /// <summary>True once the customer asked to cancel (answered 202); see <see cref="Status"/> for the outcome.</summary>
    [JsonIgnore]
    public bool IsCancelled => CancelledAt is not null;

    /// <summary>True once Fulfillment requested the shipment.</summary>
    [JsonIgnore]
    public bool IsShipped => ShipmentId is not null;

    /// <summary>The state of an order Sales has never heard of.</summary>
    public static OrderState New(string orderId) => new() { OrderId = orderId };
}

/// <summary>Values of <see cref="OrderState.CancellationOutcome"/>.</summary>
public static class CancellationOutcomes
{
    public const string Withdrawn = "withdrawn";
    public const string Rejected = "rejected";
}

/// <summary>Where an order lives in the orders table: one partition per order (the escaped id), so orders never contend with each other.</summary>
public static class OrderKeys
{
    /// <summary>The row key of the order entity inside its partition.</summary>
    public const string RowKey = "order";

    /// <summary>The key of an order's entity.</summary>
    public static EntityKey For(string orderId) => new(orderId, RowKey);
}
