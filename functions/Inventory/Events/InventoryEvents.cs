namespace Store.Inventory.Events;

/// <summary>CloudEvents types Inventory reads and writes (its records carry them as <see cref="CloudEventTypeAttribute"/>).</summary>
public static class InventoryEventTypes
{
    public const string StockReceived = "inventory.stock-received.v1";
    public const string StockReserved = "inventory.stock-reserved.v1";
    public const string StockReservationRejected = "inventory.stock-reservation-rejected.v1";
    public const string StockReleased = "inventory.stock-released.v1";
    public const string OrderPlaced = "sales.order-placed.v2";
    public const string OrderPlacedV1 = "sales.order-placed.v1";
    public const string PaymentDeclined = "payments.payment-declined.v1";
    public const string ShipmentRequested = "fulfillment.shipment-requested.v1";
    public const string OrderWithdrawn = "fulfillment.order-withdrawn.v1";
    public const string ReservePart = "inventory.reserve-part.v1";
    public const string PartDecided = "inventory.part-decided.v1";
    public const string ReleasePart = "inventory.release-part.v1";
    public const string CommitPart = "inventory.commit-part.v1";
}

/// <summary>An event or saga message about one order: Inventory finds the order's row by this id alone.</summary>
public interface IOrderEvent
{
    string OrderId { get; }
}

// ---- Written by Inventory (inventory-stock) ----

/// <summary><c>inventory.stock-received.v1</c>: a goods receipt for a SKU.</summary>
[CloudEventType(InventoryEventTypes.StockReceived)]
public sealed record StockReceived(string ReceiptId, string Sku, int Quantity);

/// <summary>A SKU and quantity in a reservation or release.</summary>
public sealed record StockLine(string Sku, int Quantity);

/// <summary><c>inventory.stock-reserved.v1</c>: every line of the order is reserved.</summary>
[CloudEventType(InventoryEventTypes.StockReserved)]
public sealed record StockReserved(string OrderId, string CustomerId, IReadOnlyList<StockLine> Lines);

/// <summary>A line that could not be reserved: what was requested and what was available.</summary>
public sealed record ShortLine(string Sku, int Requested, long Available);

/// <summary><c>inventory.stock-reservation-rejected.v1</c>: not every line was available; nothing is reserved.</summary>
[CloudEventType(InventoryEventTypes.StockReservationRejected)]
public sealed record StockReservationRejected(string OrderId, string CustomerId, IReadOnlyList<ShortLine> ShortLines);

/// <summary><c>inventory.stock-released.v1</c>: the order's reservation went back to available stock.</summary>
[CloudEventType(InventoryEventTypes.StockReleased)]
public sealed record StockReleased(string OrderId, string? CustomerId, IReadOnlyList<StockLine> Lines, string Reason);

// ---- Read by Inventory (only the fields it needs; unknown fields are ignored) ----

/// <summary>A line of <c>sales.order-placed</c>.</summary>
public sealed record OrderPlacedLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary><c>sales.order-placed.v2</c> (Inventory reserves the lines; where the order ships does not matter here).</summary>
[CloudEventType(InventoryEventTypes.OrderPlaced)]
public sealed record OrderPlaced(string OrderId, string CustomerId, IReadOnlyList<OrderPlacedLine> Lines, decimal Total, string Currency) : IOrderEvent;

/// <summary><c>sales.order-placed.v1</c>, read as v2: the fields Inventory reads are the same in both.</summary>
[CloudEventType(InventoryEventTypes.OrderPlacedV1)]
public sealed record OrderPlacedV1(string OrderId, string CustomerId, IReadOnlyList<OrderPlacedLine> Lines, decimal Total, string Currency) : IUpcast<OrderPlaced>
{
    public OrderPlaced Upcast() => new(OrderId, CustomerId, Lines, Total, Currency);
}

/// <summary><c>fulfillment.order-withdrawn.v1</c>: the order will never ship; its reservation goes back.</summary>
[CloudEventType(InventoryEventTypes.OrderWithdrawn)]
public sealed record OrderWithdrawn(string OrderId, string CustomerId, string? Reason = null) : IOrderEvent;

/// <summary><c>payments.payment-declined.v1</c>.</summary>
[CloudEventType(InventoryEventTypes.PaymentDeclined)]
public sealed record PaymentDeclined(string OrderId, string CustomerId, decimal Amount, string Currency, string Reason) : IOrderEvent;

/// <summary>A line of <c>fulfillment.shipment-requested.v1</c>.</summary>
public sealed record ShipmentLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary><c>fulfillment.shipment-requested.v1</c> (Inventory acts on the order id; its own reservation row holds the lines).</summary>
[CloudEventType(InventoryEventTypes.ShipmentRequested)]
public sealed record ShipmentRequested(string ShipmentId, string OrderId, string CustomerId, IReadOnlyList<ShipmentLine> Lines) : IOrderEvent;

// ---- HTTP bodies ----

/// <summary>The 202 answer to a stock receipt (identical for idempotent repeats).</summary>
public sealed record StockReceiptAccepted(string ReceiptId, string Sku, int Quantity, string EventId);

/// <summary>The answer of <c>GET /api/stock/{sku}</c>.</summary>
public sealed record StockLevel(string Sku, long Available, long Reserved, long Committed, long Received);

/// <summary>Source-generated serialization for every record Inventory reads, writes or stores.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StockReceived))]
[JsonSerializable(typeof(StockReserved))]
[JsonSerializable(typeof(StockReservationRejected))]
[JsonSerializable(typeof(StockReleased))]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(OrderPlacedV1))]
[JsonSerializable(typeof(OrderWithdrawn))]
[JsonSerializable(typeof(PaymentDeclined))]
[JsonSerializable(typeof(ShipmentRequested))]
[JsonSerializable(typeof(StockReceiptAccepted))]
[JsonSerializable(typeof(StockLevel))]
[JsonSerializable(typeof(State.StockRow))]
[JsonSerializable(typeof(State.ReceiptRequest))]
[JsonSerializable(typeof(Deciders.ReservePart))]
[JsonSerializable(typeof(Deciders.PartDecided))]
[JsonSerializable(typeof(Deciders.ReleasePart))]
[JsonSerializable(typeof(Deciders.CommitPart))]
public sealed partial class InventoryJson : JsonSerializerContext;
