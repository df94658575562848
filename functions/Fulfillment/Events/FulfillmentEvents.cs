using System.Text.Json;
using System.Text.Json.Serialization;
using Store.Fulfillment.State;

namespace Store.Fulfillment.Events;

/// <summary>The CloudEvents types Fulfillment reads and writes (names from schemas/catalog.json).</summary>
public static class FulfillmentEventTypes
{
    public const string OrderPlaced = "sales.order-placed.v1";
    public const string OrderCancelled = "sales.order-cancelled.v1";
    public const string StockReserved = "inventory.stock-reserved.v1";
    public const string PaymentAuthorized = "payments.payment-authorized.v1";
    public const string PaymentDeclined = "payments.payment-declined.v1";
    public const string ShipmentRequested = "fulfillment.shipment-requested.v1";
    public const string OrderWithdrawn = "fulfillment.order-withdrawn.v1";
    public const string CancellationRejected = "fulfillment.cancellation-rejected.v1";
}

public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice);

public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, decimal Total, string Currency);

public sealed record OrderCancelled(string OrderId, string CustomerId, string? Reason = null);

public sealed record ReservedLine(string Sku, int Quantity);

public sealed record StockReserved(string OrderId, string CustomerId, IReadOnlyList<ReservedLine> Lines);

public sealed record PaymentAuthorized(string OrderId, string CustomerId, decimal Amount, string Currency);

public sealed record PaymentDeclined(string OrderId, string CustomerId, decimal Amount, string Currency, string Reason);

public sealed record ShipmentLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>Data of <c>fulfillment.shipment-requested.v1</c>, the event Fulfillment owns.</summary>
public sealed record ShipmentRequested(string ShipmentId, string OrderId, string CustomerId, IReadOnlyList<ShipmentLine> Lines, decimal Total, string Currency);

/// <summary>Data of <c>fulfillment.order-withdrawn.v1</c>: the cancel came before the shipment; the order never ships.</summary>
public sealed record OrderWithdrawn(string OrderId, string CustomerId, string? Reason = null);

/// <summary>Data of <c>fulfillment.cancellation-rejected.v1</c>: the cancel came after the shipment; the order ships.</summary>
public sealed record CancellationRejected(string OrderId, string CustomerId, string ShipmentId, string Reason);

/// <summary>Source-generated JSON for Fulfillment's events and state (camelCase; optional members are omitted when null).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderCancelled))]
[JsonSerializable(typeof(StockReserved))]
[JsonSerializable(typeof(PaymentAuthorized))]
[JsonSerializable(typeof(PaymentDeclined))]
[JsonSerializable(typeof(ShipmentRequested))]
[JsonSerializable(typeof(OrderWithdrawn))]
[JsonSerializable(typeof(CancellationRejected))]
[JsonSerializable(typeof(FulfillmentOrder))]
public sealed partial class FulfillmentJson : JsonSerializerContext;
