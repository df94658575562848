using System.Text.Json.Serialization;

namespace Store.Sales.Events;

/// <summary>One order line as carried by Sales events.</summary>
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Data of <c>sales.order-placed.v1</c>: everything consumers need about the accepted order.</summary>
public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency);

public sealed record OrderCancelled(
    string OrderId,
    string CustomerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>Data of <c>fulfillment.shipment-requested.v1</c> as Sales reads it (Sales only needs to learn that the order ships).</summary>
public sealed record ShipmentRequested(
    string ShipmentId,
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Lines,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Total = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency = null);

/// <summary>Data of <c>fulfillment.order-withdrawn.v1</c> as Sales reads it: the cancellation took effect.</summary>
public sealed record OrderWithdrawn(
    string OrderId,
    string CustomerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>Data of <c>fulfillment.cancellation-rejected.v1</c> as Sales reads it: the order shipped before the cancel was read.</summary>
public sealed record CancellationRejected(string OrderId, string CustomerId, string ShipmentId, string Reason);

/// <summary>The CloudEvents types Sales writes (orders) and reads from Fulfillment (ships, withdrawn, cancellation rejected).</summary>
public static class SalesEventTypes
{
    public const string OrderPlaced = "sales.order-placed.v1";
    public const string OrderCancelled = "sales.order-cancelled.v1";
    public const string ShipmentRequested = "fulfillment.shipment-requested.v1";
    public const string OrderWithdrawn = "fulfillment.order-withdrawn.v1";
    public const string CancellationRejected = "fulfillment.cancellation-rejected.v1";
}
