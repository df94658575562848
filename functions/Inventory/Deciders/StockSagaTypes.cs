namespace Store.Inventory.Deciders;

/// <summary>
/// Why stock is released (the <c>reason</c> of <c>stock-released</c>): Fulfillment withdrew the order, or Payments declined
/// it. A cancel on its own is only a request: it may still lose to the shipment.
/// </summary>
public static class ReleaseReasons
{
    public const string OrderCancelled = "order-cancelled";
    public const string PaymentDeclined = "payment-declined";
}

/// <summary>Which shard a SKU or an order lives in.</summary>
public static class StockShards
{
    /// <summary>The shard (0..N-1) of a SKU or order id.</summary>
    public static int Of(string id, int shards) =>
        shards == 1 ? 0 : int.Parse(TableKeys.HashBucket(id, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) % shards;

    /// <summary>A shard as a partition key on the internal hub.</summary>
    public static string Key(int shard) => shard.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The table partition of a shard: "stock" when there is one shard, else "stock-&lt;shard&gt;".</summary>
    public static string Partition(int shard, int shards) => shards == 1 ? StockKeys.Partition : StockKeys.Partition + "-" + shard;
}

/// <summary>Where one shard's part of an order stands.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PartStatus>))]
public enum PartStatus
{
    Pending,
    Reserved,
    Rejected,
    Released,
    Committed,
}

/// <summary>One shard's lines of an order and their status (in the order row for the home's part, as a part row in a remote shard).</summary>
public sealed record OrderPart(string OrderId, int Shard, IReadOnlyList<SkuQuantity> Lines, PartStatus Status, IReadOnlyList<ShortLine>? Short = null);

/// <summary>
/// An order as its home shard knows it: the saga's state, with every part (the home's own part lives only here).
/// <c>Status</c> is Reserved etc. once decided; null while reserving.
/// </summary>
public sealed record SagaOrder(string OrderId, string? CustomerId, OrderStatus? Status, IReadOnlyList<OrderPart> Parts, string? ReleaseReason = null, string? ReleaseRequested = null)
{
    /// <summary>Every line of the order, in part order.</summary>
    public IEnumerable<SkuQuantity> Lines => Parts.SelectMany(p => p.Lines);
}

/// <summary>Home → shard: reserve these lines all or none.</summary>
[CloudEventType(InventoryEventTypes.ReservePart)]
public sealed record ReservePart(string OrderId, int Shard, int Home, IReadOnlyList<SkuQuantity> Lines) : IOrderEvent
{
    /// <summary>The receiving shard: the message's partition key on the internal hub.</summary>
    public string Target => StockShards.Key(Shard);
}

/// <summary>Shard → home: the part is reserved, or short (with its short lines).</summary>
[CloudEventType(InventoryEventTypes.PartDecided)]
public sealed record PartDecided(string OrderId, int Home, int Shard, bool Reserved, IReadOnlyList<ShortLine> Short) : IOrderEvent
{
    /// <summary>The receiving shard (the home).</summary>
    public string Target => StockShards.Key(Home);
}

/// <summary>Home → shard: release the part (compensation, or the order's release).</summary>
[CloudEventType(InventoryEventTypes.ReleasePart)]
public sealed record ReleasePart(string OrderId, int Shard) : IOrderEvent
{
    public string Target => StockShards.Key(Shard);
}

/// <summary>Home → shard: commit the part (shipment requested).</summary>
[CloudEventType(InventoryEventTypes.CommitPart)]
public sealed record CommitPart(string OrderId, int Shard) : IOrderEvent
{
    public string Target => StockShards.Key(Shard);
}

/// <summary>The rows of one shard a decision reads.</summary>
public interface IShardView
{
    /// <summary>The SKU's stock; null when nothing was ever received for it.</summary>
    SkuStock? Sku(string sku);

    /// <summary>The order's row (at its home); null when the order is unknown.</summary>
    SagaOrder? Order(string orderId);

    /// <summary>A remote part of the order kept in this shard; null when none.</summary>
    OrderPart? Part(string orderId);

    /// <summary>The applied receipt; null when not applied.</summary>
    ReceiptRecord? Receipt(string receiptId);
}

/// <summary>
/// What one event or message does to one shard: new SKU rows, the order row (home), a remote part row, the receipt row,
/// and outputs in order (public events and messages to other shards), or a rule violation (nothing changes). No rows
/// and no outputs: a no-op (e.g. a duplicate).
/// </summary>
public sealed record ShardDecision
{
    public static ShardDecision NoOp { get; } = new();
    public IReadOnlyList<SkuStock> Skus { get; init; } = [];
    public SagaOrder? Order { get; init; }
    public OrderPart? Part { get; init; }
    public ReceiptRecord? Receipt { get; init; }
    /// <summary>Public events and messages to other shards, in order.</summary>
    public IReadOnlyList<object> Outputs { get; init; } = [];
    public string? Violation { get; init; }

    public bool IsNoOp => Violation is null && Skus.Count == 0 && Order is null && Part is null && Receipt is null && Outputs.Count == 0;

    public static ShardDecision Reject(string message) => new() { Violation = message };
}
