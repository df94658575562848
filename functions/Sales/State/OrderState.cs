using System.Text.Json.Serialization;

namespace Store.Sales.State;

/// <summary>
/// What Sales knows about one order: whether it was accepted (and the hash of the accepted request, for idempotent
/// repeats), whether it was cancelled, and whether Fulfillment requested its shipment. A row can exist with only
/// <see cref="ShipmentId"/> set when a shipment arrives for an order Sales has not accepted (see <see cref="IsPlaced"/>).
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

    /// <summary>When the order was cancelled: the time of its order-cancelled event.</summary>
    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>The reason given with the cancellation, if any.</summary>
    public string? CancelReason { get; init; }

    /// <summary>The shipment Fulfillment requested for this order; null until shipped.</summary>
    public string? ShipmentId { get; init; }

    /// <summary>"accepted", "cancelled", "shipped" or "unknown" (a shipment marker without an accepted order); for people reading the table.</summary>
    public string Status => (IsPlaced, IsCancelled, IsShipped) switch
    {
        (_, true, _) => "cancelled",
        (true, _, true) => "shipped",
        (true, _, _) => "accepted",
        _ => "unknown",
    };

    /// <summary>True once Sales accepted the order.</summary>
    [JsonIgnore]
    public bool IsPlaced => RequestHash is not null;

    /// <summary>True once the order was cancelled.</summary>
    [JsonIgnore]
    public bool IsCancelled => CancelledAt is not null;

    /// <summary>True once Fulfillment requested the shipment.</summary>
    [JsonIgnore]
    public bool IsShipped => ShipmentId is not null;

    /// <summary>The state of an order Sales has never heard of.</summary>
    public static OrderState New(string orderId) => new() { OrderId = orderId };
}
