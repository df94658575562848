using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Decisions;

/// <summary>The stock rules (<see cref="StockSaga"/>) at N = 1: every event is decided in one transaction, no saga message.</summary>
public sealed class StockDecisionsTests
{
    /// <summary>Order o1 has <paramref name="status"/>, and each of <paramref name="skus"/> stands in the stock as given.</summary>
    private static void AssertO1AndSkus(InMemoryStock stock, OrderStatus status, params SkuStock[] skus)
    {
        foreach (var sku in skus)
        {
            Assert.Equal(sku, stock.Skus[sku.Sku]);
        }

        Assert.Equal(status, stock.Orders["o1"].Status);
    }

    // ---- stock-received ----

    [Fact]
    public void Receipt_AddsToAvailableAndReceived_AndRecordsTheReceipt()
    {
        var stock = new InMemoryStock();

        var decision = stock.Apply(Receipt("r1", "A", 5));

        Assert.Null(decision.Output);
        Assert.Equal(new SkuStock("A", 5, 0, 0, 5), stock.Skus["A"]);
        Assert.Equal(new ReceiptRecord("r1", "A", 5), stock.Receipts["r1"]);
    }

    [Fact]
    public void Receipt_AppliedTwice_IsANoOp()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5));

        var decision = stock.Apply(Receipt("r1", "A", 5));

        Assert.True(decision.IsNoOp);
        Assert.Equal(5, stock.Skus["A"].Received);
    }

    [Fact]
    public void Receipt_SameIdDifferentContent_IsARuleViolation_AndChangesNothing()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5));

        var decision = stock.Apply(Receipt("r1", "A", 6));

        Assert.Contains("already applied", decision.Violation);
        Assert.Equal(5, stock.Skus["A"].Received);
    }

    [Fact]
    public void Receipts_ForTheSameSku_Accumulate()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Receipt("r2", "A", 7));

        Assert.Equal(new SkuStock("A", 12, 0, 0, 12), stock.Skus["A"]);
    }

    // ---- order-placed ----

    [Fact]
    public void OrderPlaced_AllLinesAvailable_ReservesEveryLine_AndEmitsStockReserved()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Receipt("r2", "B", 2));

        var decision = stock.Apply(Order("o1", ("A", 3), ("B", 2)));

        var reserved = Assert.IsType<StockReserved>(decision.Output);
        Assert.Equal("o1", reserved.OrderId);
        Assert.Equal("cust-o1", reserved.CustomerId);
        Assert.Equal([new StockLine("A", 3), new StockLine("B", 2)], reserved.Lines);
        AssertO1AndSkus(stock, OrderStatus.Reserved, new SkuStock("A", 2, 3, 0, 5), new SkuStock("B", 0, 2, 0, 2));
    }

    [Fact]
    public void OrderPlaced_OneLineShort_RejectsListingOnlyTheShortLines_AndReservesNothing()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Receipt("r2", "B", 1));

        var decision = stock.Apply(Order("o1", ("A", 3), ("B", 2)));

        var rejected = Assert.IsType<StockReservationRejected>(decision.Output);
        Assert.Equal("cust-o1", rejected.CustomerId);
        Assert.Equal([new ShortLine("B", 2, 1)], rejected.ShortLines);
        Assert.Empty(decision.Skus);
        AssertO1AndSkus(stock, OrderStatus.Rejected, new SkuStock("A", 5, 0, 0, 5), new SkuStock("B", 1, 0, 0, 1));
    }

    [Fact]
    public void OrderPlaced_UnknownSku_IsShortWithZeroAvailable()
    {
        var decision = new InMemoryStock().Apply(Order("o1", ("X", 1)));

        Assert.Equal([new ShortLine("X", 1, 0)], Assert.IsType<StockReservationRejected>(decision.Output).ShortLines);
    }

    [Fact]
    public void OrderPlaced_LinesWithTheSameSku_AreSummedBeforeCheckingAvailability()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5));

        var decision = stock.Apply(Order("o1", ("A", 3), ("A", 4)));

        Assert.Equal([new ShortLine("A", 7, 5)], Assert.IsType<StockReservationRejected>(decision.Output).ShortLines);
        Assert.Equal(5, stock.Skus["A"].Available);
    }

    [Fact]
    public void OrderPlaced_LinesWithTheSameSku_AreReservedAsOneSummedLine()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 7));

        var decision = stock.Apply(Order("o1", ("A", 3), ("A", 4)));

        Assert.Equal([new StockLine("A", 7)], Assert.IsType<StockReserved>(decision.Output).Lines);
        Assert.Equal(new SkuStock("A", 0, 7, 0, 7), stock.Skus["A"]);
    }

    [Fact]
    public void OrderPlaced_SummedQuantityAbove1000_IsSplitIntoContractSizedLines()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5000));

        var decision = stock.Apply(Order("o1", ("A", 600), ("A", 700)));

        Assert.Equal([new StockLine("A", 1000), new StockLine("A", 300)], Assert.IsType<StockReserved>(decision.Output).Lines);
        Assert.Equal(1300, stock.Skus["A"].Reserved);
    }

    [Fact]
    public void OrderPlaced_Again_IsANoOp_EvenWhenStockArrivedMeanwhile()
    {
        var stock = new InMemoryStock().With(Order("o1", ("A", 1)), Receipt("r1", "A", 5));

        var decision = stock.Apply(Order("o1", ("A", 1)));

        Assert.True(decision.IsNoOp);
        Assert.Equal(5, stock.Skus["A"].Available);
    }

    [Fact]
    public void OrderPlaced_AlreadyReserved_DoesNotReserveTwice()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Order("o1", ("A", 2)));

        Assert.True(stock.Apply(Order("o1", ("A", 2))).IsNoOp);
        Assert.Equal(new SkuStock("A", 3, 2, 0, 5), stock.Skus["A"]);
    }

    [Fact]
    public void OrderPlaced_With99DistinctSkus_IsReserved()
    {
        var stock = new InMemoryStock();
        var lines = Enumerable.Range(0, 99).Select(i => ($"S{i}", 1)).ToArray();
        foreach (var (sku, _) in lines)
        {
            stock.Apply(Receipt("r-" + sku, sku, 1));
        }

        Assert.IsType<StockReserved>(stock.Apply(Order("o1", lines)).Output);
    }

    [Fact]
    public void OrderPlaced_WithMoreThan99DistinctSkus_IsARuleViolation()
    {
        var lines = Enumerable.Range(0, 100).Select(i => ($"S{i}", 1)).ToArray();

        var decision = new InMemoryStock().Apply(Order("o1", lines));

        Assert.Contains("at most 99", decision.Violation);
    }

    [Fact]
    public void OrderPlaced_AfterAReleaseArrivedFirst_ReservesNothing_AndEmitsNothing()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Decline("o1"));

        var decision = stock.Apply(Order("o1", ("A", 2)));

        Assert.True(decision.IsNoOp);
        AssertO1AndSkus(stock, OrderStatus.Voided, new SkuStock("A", 5, 0, 0, 5));
    }

    // ---- order-withdrawn (Fulfillment) / payment-declined ----

    [Fact]
    public void OrderWithdrawn_ForAReservedOrder_ReleasesItsStock_WithReasonOrderCancelled()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Order("o1", ("A", 2), ("A", 1)));

        var decision = stock.Apply(Withdraw("o1"));

        var released = Assert.IsType<StockReleased>(decision.Output);
        Assert.Equal(("o1", "cust-o1", "order-cancelled"), (released.OrderId, released.CustomerId, released.Reason));
        Assert.Equal([new StockLine("A", 3)], released.Lines);
        AssertO1AndSkus(stock, OrderStatus.Released, new SkuStock("A", 5, 0, 0, 5));
    }

    [Fact]
    public void PaymentDeclined_ForAReservedOrder_ReleasesItsStock_WithReasonPaymentDeclined()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Order("o1", ("A", 2)));

        var decision = stock.Apply(Decline("o1"));

        Assert.Equal("payment-declined", Assert.IsType<StockReleased>(decision.Output).Reason);
        Assert.Equal(5, stock.Skus["A"].Available);
    }

    [Fact]
    public void Release_Twice_ReleasesOnce()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Order("o1", ("A", 2)), Withdraw("o1"));

        Assert.True(stock.Apply(Decline("o1")).IsNoOp);
        Assert.True(stock.Apply(Withdraw("o1")).IsNoOp);
        Assert.Equal(new SkuStock("A", 5, 0, 0, 5), stock.Skus["A"]);
    }

    [Fact]
    public void Release_OfARejectedOrder_IsANoOp()
    {
        var stock = new InMemoryStock().With(Order("o1", ("A", 2)));

        Assert.True(stock.Apply(Withdraw("o1")).IsNoOp);
        Assert.Equal(OrderStatus.Rejected, stock.Orders["o1"].Status);
    }

    [Fact]
    public void Release_OfACommittedOrder_IsANoOp()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Order("o1", ("A", 2)), Shipment("o1"));

        Assert.True(stock.Apply(Withdraw("o1")).IsNoOp);
        Assert.Equal(new SkuStock("A", 3, 0, 2, 5), stock.Skus["A"]);
    }

    [Fact]
    public void Release_OfAnUnknownOrder_EmitsNothing_AndLeavesAVoidedTombstone()
    {
        var stock = new InMemoryStock();

        var decision = stock.Apply(Withdraw("o1"));

        Assert.Null(decision.Output);
        Assert.Empty(decision.Skus);
        var tombstone = stock.Orders["o1"];
        Assert.Equal(("o1", "cust-o1", OrderStatus.Voided, "order-cancelled"), (tombstone.OrderId, tombstone.CustomerId, tombstone.Status, tombstone.ReleaseReason));
        Assert.Empty(tombstone.Parts);
    }

    // ---- shipment-requested ----

    [Fact]
    public void ShipmentRequested_ForAReservedOrder_CommitsTheReservation_WithoutOutput()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Order("o1", ("A", 2)));

        var decision = stock.Apply(Shipment("o1"));

        Assert.Null(decision.Output);
        AssertO1AndSkus(stock, OrderStatus.Committed, new SkuStock("A", 3, 0, 2, 5));
    }

    [Fact]
    public void ShipmentRequested_Again_IsANoOp()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Order("o1", ("A", 2)), Shipment("o1"));

        Assert.True(stock.Apply(Shipment("o1")).IsNoOp);
        Assert.Equal(2, stock.Skus["A"].Committed);
    }

    [Fact]
    public void ShipmentRequested_ForAnUnknownOrder_IsARuleViolation()
    {
        Assert.Contains("never reserved", new InMemoryStock().Apply(Shipment("o1")).Violation);
    }

    [Fact]
    public void ShipmentRequested_ForAReleasedOrder_IsARuleViolation_AndCommitsNothing()
    {
        var stock = new InMemoryStock().With(Receipt("r1", "A", 5), Order("o1", ("A", 2)), Withdraw("o1"));

        var decision = stock.Apply(Shipment("o1"));

        Assert.Contains("released (order-cancelled)", decision.Violation);
        Assert.Equal(new SkuStock("A", 5, 0, 0, 5), stock.Skus["A"]);
    }

    [Fact]
    public void ShipmentRequested_ForARejectedOrder_IsARuleViolation()
    {
        var stock = new InMemoryStock().With(Order("o1", ("A", 2)));

        Assert.Contains("rejected", stock.Apply(Shipment("o1")).Violation);
    }

    // ---- dispatch ----

    [Fact]
    public void Decide_InventorysOwnOutputs_AreNotInputs()
    {
        var view = new InMemoryStock().Shards[0];

        Assert.Null(StockSaga.Decide(view, 0, 1, new StockReserved("o1", "c1", [new StockLine("A", 1)])));
        Assert.Null(StockSaga.Decide(view, 0, 1, new StockReleased("o1", "c1", [new StockLine("A", 1)], "order-cancelled")));
    }

    [Fact]
    public void StockKeys_EscapeCharactersTablesForbid_Injectively()
    {
        // The kit's one escaper (TableKeys.Escape): ~XXXX.
        Assert.Equal("sku|A~002fB~0023C~003f~005c%", StockKeys.Sku("A/B#C?\\%"));
        Assert.NotEqual(StockKeys.Sku("A~002f"), StockKeys.Sku("A/"));
        Assert.Equal("sku|plain-SKU_1", StockKeys.Sku("plain-SKU_1"));

        // Line separators: allowed by Azure Tables, but Azurite cannot match them in a key (the edge fuzz found a 500).
        Assert.Equal("receipt|R~2028x~2029", StockKeys.Receipt("R\u2028x\u2029"));
        Assert.NotEqual(StockKeys.Receipt("\u2028"), StockKeys.Receipt("~2028"));
    }
}
