namespace Store.Inventory.Deciders;

/// <summary>
/// Inventory's partition decider: routes each event to its stock shard's partition, names the rows it needs and turns
/// the <see cref="StockSaga"/>'s decision into row changes (see README.md).
/// </summary>
public sealed class StockDecider(InventoryOptions options) : IPartitionDecider<StockRow>
{
    private readonly int _n = options.StockShards;

    /// <summary>Rows kept in the stock store's per-process cache: hot SKU rows and recent order rows (some tens of MB at 1-2 KB a row).</summary>
    public const int CacheCapacity = 20_000;

    /// <summary>
    /// The rows an event needs in its shard: a receipt's receipt and SKU rows; an order event's order row (its home's SKU
    /// rows follow from <see cref="Referenced"/>, or from the order-placed lines); a remote part message's part row.
    /// </summary>
    public RowsNeeded? RowsOf(InboundEvent e)
    {
        var data = e.Event.Data;
        if (data is StockReceived r)
        {
            return new(StockShards.Partition(ShardOf(r), _n), [StockKeys.Receipt(r.ReceiptId), StockKeys.Sku(r.Sku)], [StockKeys.Receipt(r.ReceiptId)]);
        }

        if (data is not IOrderEvent { OrderId: var orderId })
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
        string[] own = [data is ReservePart or ReleasePart or CommitPart ? StockKeys.Part(orderId) : StockKeys.Order(orderId)];
        return new(StockShards.Partition(shard, _n), [.. own, .. skus], data is OrderPlaced or ReservePart ? own : null);
    }

    /// <summary>The SKU rows a stored row moves: those of a remote part row, or of the home's own part in an order row.</summary>
    public IEnumerable<string> Referenced(StockRow row) =>
        (row.Part?.Lines ?? row.Order?.Parts.Where(p => p.Shard == StockShards.Of(p.OrderId, _n)).SelectMany(p => p.Lines))?.Select(l => StockKeys.Sku(l.Sku)) ?? [];

    /// <inheritdoc />
    public PartitionDecision<StockRow> Decide(IRowView<StockRow> rows, InboundEvent e) =>
        ToChanges(StockSaga.Decide(new ShardView(rows), ShardOf(e.Event.Data), _n, e.Event.Data) ?? ShardDecision.NoOp);

    /// <summary>The shard an event or saga message is decided at: a receipt at its SKU's, a message at its target, the rest at the order's home.</summary>
    private int ShardOf(object data) => data switch
    {
        StockReceived r => StockShards.Of(r.Sku, _n),
        ReservePart m => m.Shard,
        PartDecided m => m.Home,
        ReleasePart m => m.Shard,
        CommitPart m => m.Shard,
        _ => StockShards.Of(((IOrderEvent)data).OrderId, _n),
    };

    /// <summary>A shard's decision as row changes: SKU and receipt rows, the order row and part row; outputs committed with the order row, else with the part row.</summary>
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
            changes.Add(new(StockKeys.Order(order.OrderId), new StockRow(Order: order), outputs));
        }

        if (decision.Part is { } part)
        {
            changes.Add(new(StockKeys.Part(part.OrderId), new StockRow(Part: part), decision.Order is null ? outputs : null));
        }

        return outputs.Length > 0 && decision.Order is null && decision.Part is null
            ? throw new InvalidOperationException("A shard decision with outputs changes neither an order nor a part row.")
            : new(changes);
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

    private sealed class ShardView(IRowView<StockRow> rows) : IShardView
    {
        public SkuStock? Sku(string sku) => rows.Row(StockKeys.Sku(sku))?.Sku;

        public SagaOrder? Order(string orderId) => rows.Row(StockKeys.Order(orderId))?.Order;

        public OrderPart? Part(string orderId) => rows.Row(StockKeys.Part(orderId))?.Part;

        public ReceiptRecord? Receipt(string receiptId) => rows.Row(StockKeys.Receipt(receiptId))?.Receipt;
    }
}
