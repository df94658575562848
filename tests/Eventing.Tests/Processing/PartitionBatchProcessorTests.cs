namespace Store.Eventing.Tests.Processing;

/// <summary>
/// The kit's multi-row partition entry on its own (Inventory covers one partition in depth): a batch whose events fall
/// in two table partitions commits both, each event's rows together; redelivery decides nothing and publishes nothing new.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PartitionBatchProcessorTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ABatchSpanningTwoPartitions_CommitsEachEventsRowsTogether_AndRedeliveryIsANoOp()
    {
        var table = azurite.NewTable("multirow");
        var codec = TestCodec.Create();
        var publisher = new RecordingPublisher();
        var confirmations = new OutboxConfirmations();
        var outbox = KitHarness.NewOutbox(publisher, confirmations);
        var handler = KitHarness.NewHandler(codec, outbox);
        var store = new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal, appliedWindow: 0, cacheCapacity: 100);
        var processor = new PartitionBatchProcessor<SkuTotal>(store, new Receipts(), (e, error) => handler.DeadLetter(e, "inventory", error), new OutputEncoder(codec, "Inventory"), outbox, NullLogger.Instance);
        var batch = new[] { ("a", "A1", 2), ("b", "B1", 3), ("c", "A1", 4), ("d", "B2", 5), ("e", "FORBIDDEN", 1) }
            .Select((r, i) => EventBatches.Received(TestCodec.ReceivedBody(r.Item1, r.Item2, r.Item3, codec), i + 1)).ToArray();

        var first = await handler.HandleAsync(batch, KitHarness.Trigger(), processor.ProcessAsync, CancellationToken.None);
        var again = await handler.HandleAsync(batch, KitHarness.Trigger(), processor.ProcessAsync, CancellationToken.None);

        Assert.Equal((4, 1), (first.Processed, first.DeadLettered));
        Assert.Equal((0, 4), (again.Processed, again.Duplicates));
        Assert.Equal(new SkuTotal("A1", 6, 2), (await store.GetAsync("A", "sku|A1", CancellationToken.None))!.State);
        Assert.Equal(new SkuTotal("B1", 3, 1), (await store.GetAsync("B", "sku|B1", CancellationToken.None))!.State);
        Assert.NotNull(await store.GetAsync("B", "receipt|r-d", CancellationToken.None));
        var echoes = publisher.Published.Where(e => e.Type == TestCodec.Reserved).Select(e => e.Id).ToArray();
        Assert.Equal(4, echoes.Length);
        Assert.Equal(4, echoes.Distinct().Count());
    }

    /// <summary>Receipts counted per SKU: the receipt row (idempotency) and the SKU row in one transaction, partition = the SKU's first letter.</summary>
    private sealed class Receipts : IPartitionDecider<SkuTotal>
    {
        public RowsNeeded? RowsOf(InboundEvent e) => e.Event.Data is StockReceived r
            ? new RowsNeeded(r.Sku[..1], ["sku|" + r.Sku, "receipt|" + r.ReceiptId], ["receipt|" + r.ReceiptId])
            : null;

        public IEnumerable<string> Referenced(SkuTotal row) => [];

        public PartitionDecision<SkuTotal> Decide(IRowView<SkuTotal> rows, InboundEvent e)
        {
            var r = e.DataAs<StockReceived>();
            if (rows.Row("receipt|" + r.ReceiptId) is not null)
            {
                return PartitionDecision<SkuTotal>.NoOp;
            }

            if (r.Sku == "FORBIDDEN")
            {
                return new([], "SKU FORBIDDEN cannot be stocked.");
            }

            var sku = rows.Row("sku|" + r.Sku) ?? new SkuTotal(r.Sku, 0, 0);
            var echo = new Emit(new StockReserved("o-" + r.ReceiptId, "c", [new ReservedLine(r.Sku, r.Quantity)]), "echo");
            return new([new("sku|" + r.Sku, sku with { Quantity = sku.Quantity + r.Quantity, Receipts = sku.Receipts + 1 }), new("receipt|" + r.ReceiptId, new SkuTotal(r.ReceiptId, r.Quantity, 0), [echo])]);
        }
    }
}
