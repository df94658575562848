namespace Store.Eventing.Tests.Processing;

/// <summary>
/// A keyed row applies an event at most once however far apart its copies arrive: the outbox relay re-publishes an event
/// under its original id at a new sequence number, possibly after the row has applied many other events.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AppliedOnceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SameIdAfterAThousandOtherEventsOnTheRow_IsCountedOnce()
    {
        var kit = new KitHarness(await azurite.CreateTableAsync("appliedonce"));
        var original = TestCodec.ReceivedBody("original", "DAY", 1, kit.Codec);
        await kit.Deliver([EventBatches.Received(original, 1)]);

        // 1,000 other events on the same row, in batches of 250 as the trigger would deliver them.
        var others = Enumerable.Range(0, 1000).Select(i => EventBatches.Received(TestCodec.ReceivedBody($"other-{i}", "DAY", 1, kit.Codec), 2 + i)).ToArray();
        foreach (var batch in others.Chunk(250))
        {
            await kit.Deliver(batch);
        }

        // The relay's copy: same id, new sequence number, between two new events.
        var copy = await kit.Deliver(
        [
            EventBatches.Received(TestCodec.ReceivedBody("after-1", "DAY", 1, kit.Codec), 1002),
            EventBatches.Received(original, 1003),
            EventBatches.Received(TestCodec.ReceivedBody("after-2", "DAY", 1, kit.Codec), 1004),
        ]);

        Assert.Equal((1003, 1003), (await kit.Read("DAY")) is { } row ? (row.Quantity, row.Receipts) : default);
        Assert.Equal((2, 1), (copy.Processed, copy.Duplicates));
    }

    [Fact]
    public async Task CopiesOfAWholeBatchBeyondTheWindow_AreDroppedAfterOneFailedTransaction()
    {
        // No in-row window: every copy at a new sequence number is caught by its mark alone.
        var table = await azurite.CreateTableAsync("appliedcopies");
        var kit = new KitHarness(table);
        var store = new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal, appliedWindow: 0);
        var processor = new KeyedBatchProcessor<SkuTotal>(store, new SkuTotalsDecider(), (e, error) => kit.Handler.DeadLetter(e, "inventory", error), kit.Encoder, kit.Outbox);
        var bodies = Enumerable.Range(0, 60).Select(i => TestCodec.ReceivedBody($"e-{i}", i % 2 == 0 ? "A" : "B", 1, kit.Codec)).ToList();
        await kit.Handler.HandleAsync([.. bodies.Select((b, i) => EventBatches.Received(b, 1 + i))], KitHarness.Trigger(), processor.ProcessAsync, CancellationToken.None);

        var transactions = store.Transactions;
        var copies = await kit.Handler.HandleAsync([.. bodies.Select((b, i) => EventBatches.Received(b, 100 + i))], KitHarness.Trigger(), processor.ProcessAsync, CancellationToken.None);

        Assert.Equal((0, 60), (copies.Processed, copies.Duplicates));
        Assert.Equal(1, store.Transactions - transactions);
        Assert.Equal((30, 30), (await store.FindAsync(new EntityKey("p", "A"), CancellationToken.None) is { } a ? a.Quantity : 0, await store.FindAsync(new EntityKey("p", "B"), CancellationToken.None) is { } b ? b.Quantity : 0));
    }

    [Fact]
    public async Task ConcurrentCopiesOnDifferentSourcePartitions_AreAppliedOnce()
    {
        var table = await azurite.CreateTableAsync("appliedrace");
        var kits = Enumerable.Range(0, 4).Select(_ => new KitHarness(table)).ToArray();
        var bodies = Enumerable.Range(0, 300).Select(i => TestCodec.ReceivedBody($"race-{i}", "HOT", 1, kits[0].Codec)).ToList();

        // The same 300 events reach the row through four source partitions at once (say a relay copy and an archive replay).
        await Task.WhenAll(kits.Select((kit, p) => DeliverUntilDone(kit, [.. bodies.Select((b, i) => EventBatches.Received(b, 1 + i))], p.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal((300, 300), (await kits[0].Read("HOT")) is { } row ? (row.Quantity, row.Receipts) : default);
    }

    [Fact]
    public async Task Marks_AreNotStateRows()
    {
        var kit = new KitHarness(await azurite.CreateTableAsync("appliedrows"));
        await kit.Deliver(kit.Receipts("r", ["A", "A", "B"]));

        var rows = await kit.Store.ReadPartitionAsync("p", CancellationToken.None);
        var entities = kit.Store.Table.Query<Azure.Data.Tables.TableEntity>("PartitionKey eq 'p'").Select(e => e.RowKey).ToList();

        Assert.Equal(["A", "B"], rows.Select(r => r.Key.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal([AppliedMarks.KeyOf("A", "r-0"), AppliedMarks.KeyOf("A", "r-1"), AppliedMarks.KeyOf("B", "r-2")], entities.Where(AppliedMarks.IsMark).Order(StringComparer.Ordinal));
    }

    // As the host does: a batch that failed transiently (here: lost ETag races) is delivered again.
    private static async Task DeliverUntilDone(KitHarness kit, EventData[] batch, string partition)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await kit.Deliver(batch, partition);
                return;
            }
            catch (Exception ex) when (TransientFailures.IsTransient(ex) && attempt < 10)
            {
            }
        }
    }
}
