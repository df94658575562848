using System.Text.Json;
using System.Text.Json.Serialization;

namespace Store.Tracking.Events;

/// <summary>An event about one order: Tracking finds the order's view by this id alone.</summary>
public interface IOrderEvent
{
    string OrderId { get; }
}

public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary><c>sales.order-placed.v2</c> as Tracking reads it (the view shows no address).</summary>
[CloudEventType("sales.order-placed.v2")]
public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency) : IOrderEvent;

/// <summary><c>sales.order-placed.v1</c>, read as v2: the fields Tracking reads are the same in both.</summary>
[CloudEventType("sales.order-placed.v1")]
public sealed record OrderPlacedV1(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency) : IUpcast<OrderPlaced>
{
    public OrderPlaced Upcast() => new(OrderId, CustomerId, Lines, Total, Currency);
}

[CloudEventType("sales.order-cancelled.v1")]
public sealed record OrderCancelled(string OrderId, string CustomerId, string? Reason = null) : IOrderEvent;

/// <summary>A line of the inventory events.</summary>
public sealed record StockLine(string Sku, int Quantity);

[CloudEventType("inventory.stock-reserved.v1")]
public sealed record StockReserved(string OrderId, string CustomerId, IReadOnlyList<StockLine> Lines) : IOrderEvent;

/// <summary>A line that could not be reserved.</summary>
public sealed record ShortLine(string Sku, int Requested, int Available);

[CloudEventType("inventory.stock-reservation-rejected.v1")]
public sealed record StockReservationRejected(string OrderId, string CustomerId, IReadOnlyList<ShortLine> ShortLines) : IOrderEvent;

[CloudEventType("inventory.stock-released.v1")]
public sealed record StockReleased(string OrderId, IReadOnlyList<StockLine> Lines, string Reason, string? CustomerId = null) : IOrderEvent;

[CloudEventType("payments.payment-authorized.v1")]
public sealed record PaymentAuthorized(string OrderId, string CustomerId, decimal Amount, string Currency) : IOrderEvent;

[CloudEventType("payments.payment-declined.v1")]
public sealed record PaymentDeclined(string OrderId, string CustomerId, decimal Amount, string Currency, string Reason) : IOrderEvent;

public sealed record ShipmentLine(string Sku, int Quantity, decimal UnitPrice);

[CloudEventType("fulfillment.shipment-requested.v1")]
public sealed record ShipmentRequested(string ShipmentId, string OrderId, string CustomerId, IReadOnlyList<ShipmentLine> Lines, decimal? Total = null, string? Currency = null) : IOrderEvent;

[CloudEventType("fulfillment.order-withdrawn.v1")]
public sealed record OrderWithdrawn(string OrderId, string CustomerId, string? Reason = null) : IOrderEvent;

[CloudEventType("fulfillment.cancellation-rejected.v1")]
public sealed record CancellationRejected(string OrderId, string CustomerId, string ShipmentId, string Reason) : IOrderEvent;

/// <summary>Source-generated JSON for Tracking's events, state and HTTP answers (camelCase; null members omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPlacedV1))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(StockReserved))]
[JsonSerializable(typeof(StockReservationRejected))]
[JsonSerializable(typeof(StockReleased))]
[JsonSerializable(typeof(PaymentAuthorized))]
[JsonSerializable(typeof(PaymentDeclined))]
[JsonSerializable(typeof(ShipmentRequested))]
[JsonSerializable(typeof(OrderWithdrawn))]
[JsonSerializable(typeof(CancellationRejected))]
[JsonSerializable(typeof(TrackedOrder))]
[JsonSerializable(typeof(OrderStatusView))]
public sealed partial class TrackingJson : JsonSerializerContext;
