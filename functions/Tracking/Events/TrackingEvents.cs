using System.Text.Json;
using System.Text.Json.Serialization;
using Store.Tracking.State;

namespace Store.Tracking.Events;

/// <summary>The CloudEvents types Tracking reads (names from schemas/catalog.json). Tracking emits none.</summary>
public static class TrackingEventTypes
{
    public const string OrderPlaced = "sales.order-placed.v1";
    public const string OrderCancelled = "sales.order-cancelled.v1";
    public const string StockReserved = "inventory.stock-reserved.v1";
    public const string StockReservationRejected = "inventory.stock-reservation-rejected.v1";
    public const string StockReleased = "inventory.stock-released.v1";
    public const string PaymentAuthorized = "payments.payment-authorized.v1";
    public const string PaymentDeclined = "payments.payment-declined.v1";
    public const string ShipmentRequested = "fulfillment.shipment-requested.v1";
    public const string OrderWithdrawn = "fulfillment.order-withdrawn.v1";
    public const string CancellationRejected = "fulfillment.cancellation-rejected.v1";
}

public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency);

public sealed record OrderCancelled(string OrderId, string CustomerId, string? Reason = null);

/// <summary>A line of the inventory events.</summary>
public sealed record StockLine(string Sku, int Quantity);

public sealed record StockReserved(string OrderId, string CustomerId, IReadOnlyList<StockLine> Lines);

/// <summary>A line that could not be reserved.</summary>
public sealed record ShortLine(string Sku, int Requested, int Available);

public sealed record StockReservationRejected(string OrderId, string CustomerId, IReadOnlyList<ShortLine> ShortLines);

public sealed record StockReleased(string OrderId, IReadOnlyList<StockLine> Lines, string Reason, string? CustomerId = null);

public sealed record PaymentAuthorized(string OrderId, string CustomerId, decimal Amount, string Currency);

public sealed record PaymentDeclined(string OrderId, string CustomerId, decimal Amount, string Currency, string Reason);

public sealed record ShipmentLine(string Sku, int Quantity, decimal UnitPrice);

public sealed record ShipmentRequested(string ShipmentId, string OrderId, string CustomerId, IReadOnlyList<ShipmentLine> Lines, decimal? Total = null, string? Currency = null);

public sealed record OrderWithdrawn(string OrderId, string CustomerId, string? Reason = null);

public sealed record CancellationRejected(string OrderId, string CustomerId, string ShipmentId, string Reason);

/// <summary>Source-generated JSON for Tracking's events, state and HTTP answers (camelCase; null members omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OrderPlaced))]
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
