using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Inventory.Decisions;
using Store.Inventory.Events;

namespace Store.Inventory.State;

/// <summary>
/// Inventory's rows for the kit's multi-row partition entry (<see cref="PartitionBatchProcessor{TRow}"/>): which stock
/// rows an event needs, and its <see cref="InventoryDecisions"/> as row changes with typed outputs on the order row.
/// With N &gt; 1 stock shards it routes each event to its shard's partition and applies <see cref="ShardedStockDecisions"/>.
/// </summary>
public sealed class StockPartition(InventoryOptions options) : IPartitionDecisions<StockRow>
{
    private readonly int _n = options.StockShards;

    /// <summary>
    /// Rows kept in the stock store's per-process cache: every hot SKU row and the recent order rows (a row with its
    /// outbox is about 1-2 KB, so this bounds the cache to some tens of MB).
    /// </summary>
    public const int CacheCapacity = 20_000;

    /// <inheritdoc />
    public RowsNeeded? RowsOf(InboundEvent e) => _n > 1 ? ShardRows(e.Event.Data) : e.Event.Data switch
    {
        StockReceived r => new(StockKeys.Partition, [StockKeys.Receipt(r.ReceiptId), StockKeys.Sku(r.Sku)], [StockKeys.Receipt(r.ReceiptId)]),
        OrderPlaced o => new(StockKeys.Partition, [StockKeys.Order(o.OrderId), .. o.Lines.Select(l => StockKeys.Sku(l.Sku))], [StockKeys.Order(o.OrderId)]),
        OrderWithdrawn w => OrderRow(w.OrderId),
        PaymentDeclined d => OrderRow(d.OrderId),
        ShipmentRequested s => OrderRow(s.OrderId),
        _ => null,
    };

    /// <inheritdoc />
    public IEnumerable<string> Referenced(StockRow row) => (row.Order?.Lines ?? row.Part?.Lines)?.Select(l => StockKeys.Sku(l.Sku)) ?? [];

    /// <inheritdoc />
    public PartitionDecision<StockRow> Decide(IRowView<StockRow> rows, InboundEvent e) => _n > 1
        ? ToChanges(ShardedStockDecisions.Decide(new ShardView(rows), ShardOf(e.Event.Data), _n, e.Event.Data) ?? ShardDecision.NoOp)
        : ToChanges(InventoryDecisions.Decide(new View(rows), e.Event.Data) ?? InventoryDecision.NoOp);

    /// <summary>The shard an event or saga message is decided at: a receipt at its SKU's, a message at its target, the rest at the order's home.</summary>
    private int ShardOf(object data) => data switch
    {
        StockReceived r => StockShards.Of(r.Sku, _n),
        ReservePart m => m.Shard,
        PartDecided m => m.Home,
        ReleasePart m => m.Shard,
        CommitPart m => m.Shard,
        _ => StockShards.Of(OrderIdOf(data)!, _n),
    };

    private static string? OrderIdOf(object data) => data switch
    {
        OrderPlaced o => o.OrderId,
        OrderWithdrawn w => w.OrderId,
        PaymentDeclined d => d.OrderId,
        ShipmentRequested s => s.OrderId,
        ReservePart m => m.OrderId,
        PartDecided m => m.OrderId,
        ReleasePart m => m.OrderId,
        CommitPart m => m.OrderId,
        _ => null,
    };

    private RowsNeeded? ShardRows(object data)
    {
        if (data is StockReceived r)
        {
            return new(StockShards.Partition(ShardOf(r), _n), [StockKeys.Receipt(r.ReceiptId), StockKeys.Sku(r.Sku)], [StockKeys.Receipt(r.ReceiptId)]);
        }

        if (OrderIdOf(data) is not { } orderId)
        {
            return null;
        }

        var shard = ShardOf(data);
        var skus = data switch
        {
            OrderPlaced o => o.Lines.Where(l => StockShards.Of(l.Sku, _n) == shard).Select(l => StockKeys.Sku(l.Sku)),
            ReservePart m => m.Lines.Select(l => StockKeys.Sku(l.Sku)),
            _ => [],
        };
        string[] own = data is ReservePart or ReleasePart or CommitPart ? [StockKeys.Part(orderId)] : [StockKeys.Order(orderId), StockKeys.Part(orderId)];
        return new(StockShards.Partition(shard, _n), [.. own, .. skus], data is OrderPlaced or ReservePart ? own : null);
    }

    /// <summary>A shard's decision as row changes: SKU and receipt rows, the order row and part row; outputs in the order row's outbox, else the part row's.</summary>
    public static PartitionDecision<StockRow> ToChanges(ShardDecision decision)
    {
        if (decision.Violation is { } violation)
        {
            return new([], violation);
        }

        var outputs = decision.Outputs.Select(Emit).ToArray();
        var changes = decision.Skus.Select(s => new RowChange<StockRow>(StockKeys.Sku(s.Sku), new StockRow(Sku: s))).ToList();
        if (decision.Receipt is { } receipt)
        {
            changes.Add(new(StockKeys.Receipt(receipt.ReceiptId), new StockRow(Receipt: receipt)));
        }

        if (decision.Order is { } order)
        {
            changes.Add(new(StockKeys.Order(order.OrderId), new StockRow(Saga: order), outputs));
        }

        if (decision.Part is { } part)
        {
            changes.Add(new(StockKeys.Part(part.OrderId), new StockRow(Part: part), decision.Order is null ? outputs : null));
        }

        return outputs.Length > 0 && decision.Order is null && decision.Part is null
            ? throw new InvalidOperationException("A shard decision with outputs changes neither an order nor a part row.")
            : new(changes);
    }

    /// <summary>A decision as row changes: SKU rows, the receipt row, and the order row carrying the output.</summary>
    public static PartitionDecision<StockRow> ToChanges(InventoryDecision decision)
    {
        if (decision.Violation is { } violation)
        {
            return new([], violation);
        }

        var changes = decision.Skus.Select(s => new RowChange<StockRow>(StockKeys.Sku(s.Sku), new StockRow(Sku: s))).ToList();
        if (decision.Receipt is { } receipt)
        {
            changes.Add(new(StockKeys.Receipt(receipt.ReceiptId), new StockRow(Receipt: receipt)));
        }

        if (decision.Order is { } order)
        {
            changes.Add(new(StockKeys.Order(order.OrderId), new StockRow(Order: order), decision.Output is { } output ? [Emit(output)] : null));
        }

        return new(changes);
    }

    private static Emit Emit(object output) => new(output, output switch
    {
        StockReserved => "stock-reserved",
        StockReservationRejected => "stock-reservation-rejected",
        StockReleased => "stock-released",
        ReservePart m => "reserve-part-" + m.Target,
        PartDecided => "part-decided",
        ReleasePart m => "release-part-" + m.Target,
        CommitPart m => "commit-part-" + m.Target,
        _ => throw new InvalidOperationException($"Inventory does not emit {output.GetType().Name}."),
    });

    private static RowsNeeded OrderRow(string orderId) => new(StockKeys.Partition, [StockKeys.Order(orderId)]);

    private sealed class ShardView(IRowView<StockRow> rows) : IShardView
    {
        public SkuStock? Sku(string sku) => rows.Row(StockKeys.Sku(sku))?.Sku;

        public SagaOrder? Order(string orderId) => rows.Row(StockKeys.Order(orderId))?.Saga;

        public OrderPart? Part(string orderId) => rows.Row(StockKeys.Part(orderId))?.Part;

        public ReceiptRecord? Receipt(string receiptId) => rows.Row(StockKeys.Receipt(receiptId))?.Receipt;
    }

    private sealed class View(IRowView<StockRow> rows) : IStockView
    {
        public SkuStock? Sku(string sku) => rows.Row(StockKeys.Sku(sku))?.Sku;

        public OrderReservation? Order(string orderId) => rows.Row(StockKeys.Order(orderId))?.Order;

        public ReceiptRecord? Receipt(string receiptId) => rows.Row(StockKeys.Receipt(receiptId))?.Receipt;
    }
}
