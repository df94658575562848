using System.Text.Json;
using System.Text.Json.Serialization;

namespace Store.Fulfillment.Events;

/// <summary>An input event about one order: Fulfillment finds the order's row by this id alone.</summary>
public interface IOrderEvent
{
    string OrderId { get; }
}

public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Where an order ships (ISO 3166-1 alpha-2 country).</summary>
public sealed record ShippingAddress(string Recipient, string Line1, string? Line2, string City, string PostalCode, string Country);

/// <summary>
/// Data of <c>sales.order-placed.v2</c>, the one order-placed type decisions see. <see cref="ShippingAddress"/> null:
/// ship to the customer's address on file (an order placed without one, or before v2).
/// </summary>
[CloudEventType("sales.order-placed.v2")]
public sealed record OrderPlaced(
    string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ShippingAddress? ShippingAddress) : IOrderEvent;

/// <summary><c>sales.order-placed.v1</c>, read as v2: it carries no address, so it ships to the address on file (null).</summary>
[CloudEventType("sales.order-placed.v1")]
public sealed record OrderPlacedV1(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency) : IUpcast<OrderPlaced>
{
    public OrderPlaced Upcast() => new(OrderId, CustomerId, Lines, Total, Currency, ShippingAddress: null);
}

[CloudEventType("sales.order-cancelled.v1")]
public sealed record OrderCancelled(string OrderId, string CustomerId, string? Reason = null) : IOrderEvent;

public sealed record ReservedLine(string Sku, int Quantity);

[CloudEventType("inventory.stock-reserved.v1")]
public sealed record StockReserved(string OrderId, string CustomerId, IReadOnlyList<ReservedLine> Lines) : IOrderEvent;

[CloudEventType("payments.payment-authorized.v1")]
public sealed record PaymentAuthorized(string OrderId, string CustomerId, decimal Amount, string Currency) : IOrderEvent;

[CloudEventType("payments.payment-declined.v1")]
public sealed record PaymentDeclined(string OrderId, string CustomerId, decimal Amount, string Currency, string Reason) : IOrderEvent;

public sealed record ShipmentLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Data of <c>fulfillment.shipment-requested.v1</c>, the event Fulfillment owns.</summary>
[CloudEventType("fulfillment.shipment-requested.v1")]
public sealed record ShipmentRequested(
    string ShipmentId, string OrderId, string CustomerId, IReadOnlyList<ShipmentLine> Lines, decimal Total, string Currency, ShippingAddress? ShippingAddress = null);

/// <summary>Data of <c>fulfillment.order-withdrawn.v1</c>: the cancel came before the shipment; the order never ships.</summary>
[CloudEventType("fulfillment.order-withdrawn.v1")]
public sealed record OrderWithdrawn(string OrderId, string CustomerId, string? Reason = null);

/// <summary>Data of <c>fulfillment.cancellation-rejected.v1</c>: the cancel came after the shipment; the order ships.</summary>
[CloudEventType("fulfillment.cancellation-rejected.v1")]
public sealed record CancellationRejected(string OrderId, string CustomerId, string ShipmentId, string Reason);

/// <summary>Source-generated JSON for Fulfillment's events and state (camelCase; optional members are omitted when null).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPlacedV1))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(StockReserved))]
[JsonSerializable(typeof(PaymentAuthorized))]
[JsonSerializable(typeof(PaymentDeclined))]
[JsonSerializable(typeof(ShipmentRequested))]
[JsonSerializable(typeof(OrderWithdrawn))]
[JsonSerializable(typeof(CancellationRejected))]
[JsonSerializable(typeof(FulfillmentOrder))]
public sealed partial class FulfillmentJson : JsonSerializerContext;
