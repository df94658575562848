using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Inventory.Decisions;
using Store.Inventory.Events;

namespace Store.Inventory.State;

/// <summary>
/// Inventory's rows for the kit's multi-row partition entry (<see cref="PartitionBatchProcessor{TRow}"/>): which stock
/// rows an event needs, and its <see cref="InventoryDecisions"/> as row changes with typed outputs on the order row.
/// </summary>
public sealed class StockPartition : IPartitionDecisions<StockRow>
{
    /// <summary>
    /// Rows kept in the stock store's per-process cache: every hot SKU row and the recent order rows (a row with its
    /// outbox is about 1-2 KB, so this bounds the cache to some tens of MB).
    /// </summary>
    public const int CacheCapacity = 20_000;

    /// <inheritdoc />
    public RowsNeeded? RowsOf(InboundEvent e) => e.Event.Data switch
    {
        StockReceived r => new(StockKeys.Partition, [StockKeys.Receipt(r.ReceiptId), StockKeys.Sku(r.Sku)], [StockKeys.Receipt(r.ReceiptId)]),
        OrderPlaced o => new(StockKeys.Partition, [StockKeys.Order(o.OrderId), .. o.Lines.Select(l => StockKeys.Sku(l.Sku))], [StockKeys.Order(o.OrderId)]),
        OrderWithdrawn w => OrderRow(w.OrderId),
        PaymentDeclined d => OrderRow(d.OrderId),
        ShipmentRequested s => OrderRow(s.OrderId),
        _ => null,
    };

    /// <inheritdoc />
    public IEnumerable<string> Referenced(StockRow row) => row.Order?.Lines.Select(l => StockKeys.Sku(l.Sku)) ?? [];

    /// <inheritdoc />
    public PartitionDecision<StockRow> Decide(IRowView<StockRow> rows, InboundEvent e) =>
        ToChanges(InventoryDecisions.Decide(new View(rows), e.Event.Data) ?? InventoryDecision.NoOp);

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
        _ => throw new InvalidOperationException($"Inventory does not emit {output.GetType().Name}."),
    });

    private static RowsNeeded OrderRow(string orderId) => new(StockKeys.Partition, [StockKeys.Order(orderId)]);

    private sealed class View(IRowView<StockRow> rows) : IStockView
    {
        public SkuStock? Sku(string sku) => rows.Row(StockKeys.Sku(sku))?.Sku;

        public OrderReservation? Order(string orderId) => rows.Row(StockKeys.Order(orderId))?.Order;

        public ReceiptRecord? Receipt(string receiptId) => rows.Row(StockKeys.Receipt(receiptId))?.Receipt;
    }
}
