namespace Store.Sales.Events;

/// <summary>One order line as carried by Sales events.</summary>
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Where an order ships (ISO 3166-1 alpha-2 country).</summary>
public sealed record ShippingAddress(
    string Recipient,
    string Line1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Line2,
    string City,
    string PostalCode,
    string Country);

/// <summary>
/// Data of <c>sales.order-placed.v2</c>, the version Sales sends: everything consumers need about the accepted order,
/// and where it ships (null: the request gave no address; the order ships to the customer's address on file).
/// </summary>
[CloudEventType("sales.order-placed.v2")]
public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency, ShippingAddress? ShippingAddress);

[CloudEventType("sales.order-cancelled.v1")]
public sealed record OrderCancelled(
    string OrderId,
    string CustomerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>Data of <c>fulfillment.shipment-requested.v1</c> as Sales reads it (Sales only needs to learn that the order ships).</summary>
[CloudEventType("fulfillment.shipment-requested.v1")]
public sealed record ShipmentRequested(
    string ShipmentId,
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Lines,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Total = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency = null);

/// <summary>Data of <c>fulfillment.order-withdrawn.v1</c> as Sales reads it: the cancellation took effect.</summary>
[CloudEventType("fulfillment.order-withdrawn.v1")]
public sealed record OrderWithdrawn(
    string OrderId,
    string CustomerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>Data of <c>fulfillment.cancellation-rejected.v1</c> as Sales reads it: the order shipped before the cancel was read.</summary>
[CloudEventType("fulfillment.cancellation-rejected.v1")]
public sealed record CancellationRejected(string OrderId, string CustomerId, string ShipmentId, string Reason);

