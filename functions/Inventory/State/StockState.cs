namespace Store.Inventory.State;

// The design of these rows: README.md in this folder.

/// <summary>Stock of one SKU. Invariant: <c>Received = Available + Reserved + Committed</c>, all ≥ 0.</summary>
public sealed record SkuStock(string Sku, long Available, long Reserved, long Committed, long Received)
{
    /// <summary>A SKU with nothing received yet.</summary>
    public static SkuStock Empty(string sku) => new(sku, 0, 0, 0, 0);
}

/// <summary>Where an order's reservation stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
public enum OrderStatus
{
    /// <summary>Every line is reserved.</summary>
    Reserved,
    /// <summary>Some line was short; nothing was reserved.</summary>
    Rejected,
    /// <summary>The reservation went back to available stock.</summary>
    Released,
    /// <summary>Shipment requested: reserved stock is committed and no longer releasable.</summary>
    Committed,
    /// <summary>Tombstone: a release (withdrawal or payment declined) arrived before the order; it will never be reserved.</summary>
    Voided,
}

/// <summary>A SKU and a quantity summed over an order's lines (may exceed the per-line maximum of 1000).</summary>
public sealed record SkuQuantity(string Sku, int Quantity);

/// <summary>A goods receipt applied to stock.</summary>
public sealed record ReceiptRecord(string ReceiptId, string Sku, int Quantity);

/// <summary>One row of a stock partition: exactly one of the members is set, according to the row key's prefix.</summary>
public sealed record StockRow(SkuStock? Sku = null, Deciders.SagaOrder? Order = null, ReceiptRecord? Receipt = null, Deciders.OrderPart? Part = null);

/// <summary>The HTTP ingress's idempotency record of a receipt request (table "inventoryreceipts").</summary>
public sealed record ReceiptRequest(string ReceiptId, string Sku, int Quantity, string EventId);

/// <summary>Table keys of Inventory's state.</summary>
public static class StockKeys
{
    /// <summary>The partition holding every SKU, order and receipt row with one shard (so one transaction can span them); shard i of N &gt; 1 is "stock-i".</summary>
    public const string Partition = "stock";

    /// <summary>Row key of a SKU.</summary>
    public static string Sku(string sku) => "sku|" + TableKeys.Escape(sku);

    /// <summary>Row key of an order.</summary>
    public static string Order(string orderId) => "order|" + TableKeys.Escape(orderId);

    /// <summary>Row key of a remote shard's part of an order (N &gt; 1).</summary>
    public static string Part(string orderId) => "part|" + TableKeys.Escape(orderId);

    /// <summary>Row key of an applied receipt.</summary>
    public static string Receipt(string receiptId) => "receipt|" + TableKeys.Escape(receiptId);
}
