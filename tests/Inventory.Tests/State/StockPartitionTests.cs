using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.State;

/// <summary>
/// What one event writes through <see cref="StockDecider"/> (the rows named, the rows changed, where the outputs sit):
/// with one shard exactly the order row (or receipt row) and the SKU rows it moves, in partition "stock"; at any N the
/// home keeps no part row of its own.
/// </summary>
public sealed class StockPartitionTests
{
    private static readonly StockDecider OneShard = new(new InventoryOptions());

    [Fact]
    public void OneShard_OrderPlaced_WritesExactlyTheOrderRowAndItsSkuRows_WithStockReservedOnTheOrderRow()
    {
        var rows = new Rows().With(new SkuStock("A", 5, 0, 0, 5), new SkuStock("B", 2, 0, 0, 2));
        var placed = Inbound(Order("o1", ("A", 3), ("B", 2), ("A", 1)));

        var needed = OneShard.RowsOf(placed)!;
        var decision = OneShard.Decide(rows, placed);

        Assert.Equal("stock", needed.Partition);
        Assert.Equal(["order|o1"], needed.Created);
        Assert.Equal(["order|o1", "sku|A", "sku|B"], needed.Keys.Distinct().Order(StringComparer.Ordinal));
        Assert.Null(decision.Violation);
        Assert.Equal(["order|o1", "sku|A", "sku|B"], decision.Changes.Select(c => c.RowKey).Order(StringComparer.Ordinal));
        var order = Assert.Single(decision.Changes, c => c.RowKey == "order|o1");
        Assert.IsType<StockReserved>(Assert.Single(order.Outputs!).Data);
        Assert.All(decision.Changes.Where(c => c != order), c => Assert.Empty(c.Outputs ?? []));
    }

    [Fact]
    public void OneShard_RejectedOrder_WritesOnlyTheOrderRow()
    {
        var decision = OneShard.Decide(new Rows().With(new SkuStock("A", 1, 0, 0, 1)), Inbound(Order("o1", ("A", 3))));

        Assert.Equal(["order|o1"], decision.Changes.Select(c => c.RowKey));
        Assert.IsType<StockReservationRejected>(Assert.Single(decision.Changes[0].Outputs!).Data);
    }

    [Fact]
    public void OneShard_ReleaseAndCommit_WriteExactlyTheOrderRowAndTheSkuRowsItMoves_WhichTheStoredOrderRowNames()
    {
        var rows = new Rows().With(new SkuStock("A", 5, 0, 0, 5), new SkuStock("B", 2, 0, 0, 2), new SkuStock("C", 9, 0, 0, 9));
        foreach (var change in OneShard.Decide(rows, Inbound(Order("o1", ("A", 3), ("B", 2)))).Changes)
        {
            rows.Set(change.RowKey, change.State);
        }

        Assert.Equal(["order|o1"], OneShard.RowsOf(Inbound(Withdraw("o1")))!.Keys);
        Assert.Equal(["sku|A", "sku|B"], OneShard.Referenced(rows.Row("order|o1")!).Order(StringComparer.Ordinal));
        foreach (var e in new object[] { Withdraw("o1"), Decline("o1"), Shipment("o1") })
        {
            var decision = OneShard.Decide(rows, Inbound(e));
            Assert.Equal(["order|o1", "sku|A", "sku|B"], decision.Changes.Select(c => c.RowKey).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void OneShard_Receipt_WritesExactlyTheReceiptRowAndTheSkuRow()
    {
        var decision = OneShard.Decide(new Rows(), Inbound(Receipt("r1", "A", 4)));

        Assert.Equal(["receipt|r1", "sku|A"], decision.Changes.Select(c => c.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FourShards_TheHomeWritesItsOrderRowAndItsOwnSkuRows_ButNoPartRow()
    {
        var partition = new StockDecider(new InventoryOptions(StockShards: 4));
        var home = StockShards.Of("o1", 4);
        var local = Enumerable.Range(0, 100).Select(i => "SKU-" + i).First(s => StockShards.Of(s, 4) == home);
        var remote = Enumerable.Range(0, 100).Select(i => "SKU-" + i).First(s => StockShards.Of(s, 4) != home);
        var placed = Inbound(Order("o1", (local, 1), (remote, 1)));

        var decision = partition.Decide(new Rows().With(new SkuStock(local, 5, 0, 0, 5)), placed);

        Assert.Equal(StockShards.Partition(home, 4), partition.RowsOf(placed)!.Partition);
        Assert.Equal(["order|o1", "sku|" + local], decision.Changes.Select(c => c.RowKey).Order(StringComparer.Ordinal));
        Assert.IsType<ReservePart>(Assert.Single(Assert.Single(decision.Changes, c => c.RowKey == "order|o1").Outputs!).Data);
    }

    private static InboundEvent Inbound(object data) => new(
        new DecodedEvent("e-" + Guid.NewGuid().ToString("N"), "test", "/test", null, DateTimeOffset.UnixEpoch, null, data),
        new EventPosition("test", "0", 1, "0", DateTimeOffset.UnixEpoch), default);

    private sealed class Rows : IRowView<StockRow>
    {
        private readonly Dictionary<string, StockRow> _rows = new(StringComparer.Ordinal);

        public StockRow? Row(string rowKey) => _rows.GetValueOrDefault(rowKey);

        public void Set(string rowKey, StockRow row) => _rows[rowKey] = row;

        public Rows With(params SkuStock[] skus)
        {
            foreach (var sku in skus)
            {
                Set(StockKeys.Sku(sku.Sku), new StockRow(Sku: sku));
            }

            return this;
        }
    }
}
