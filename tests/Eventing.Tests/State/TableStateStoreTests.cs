namespace Store.Eventing.Tests.State;

[Collection(AzuriteCollection.Name)]
public sealed class TableStateStoreTests(AzuriteFixture azurite)
{
    private Task<Azure.Data.Tables.TableClient> NewTable() => azurite.CreateTableAsync("state");

    private async Task<TableStateStore<SkuTotal>> NewStore() => new(await NewTable(), TestJson.Default.SkuTotal);

    private static async Task<StateRecord<SkuTotal>> ReadOne(TableStateStore<SkuTotal> store, string key) =>
        (await store.ReadAsync("p", [key], CancellationToken.None))[key];

    /// <summary>A record of the row read before another reader of it committed <paramref name="winning"/>: its ETag is stale.</summary>
    private static async Task<StateRecord<SkuTotal>> ReadBeforeAnotherCommits(TableStateStore<SkuTotal> store, SkuTotal winning)
    {
        var stale = await ReadOne(store, winning.Sku);
        var winner = await ReadOne(store, winning.Sku);
        Change(winner, winning);
        await store.CommitAsync("p", [winner], CancellationToken.None);
        return stale;
    }

    private static void Change(StateRecord<SkuTotal> record, SkuTotal state) => (record.State, record.IsDirty) = (state, true);

    [Fact]
    public async Task RedeliveredBatch_IsANoOp_SameStateAndSameOutputIds()
    {
        var kit = new KitHarness(await NewTable());
        var batch = kit.Receipts("r", ["A", "A", "B"]);

        var first = await kit.Deliver(batch);
        var firstOutputs = kit.Publisher.To("inventory-stock").Select(e => e.Id).ToList();
        var second = await kit.Deliver(batch);

        Assert.Equal((3, 0), (first.Processed, first.Duplicates));
        Assert.Equal((0, 3), (second.Processed, second.Duplicates));
        Assert.Equal(2, (await kit.Read("A"))!.Quantity);
        Assert.Equal(1, (await kit.Read("B"))!.Quantity);
        // The first invocation's outbox was confirmed, so the redelivery publishes nothing new.
        Assert.Equal(firstOutputs, kit.Publisher.To("inventory-stock").Select(e => e.Id).ToList());
    }

    [Fact]
    public async Task SameEventRepublishedUnderANewSequenceNumber_IsRecognisedByItsId()
    {
        var kit = new KitHarness(await NewTable());
        var body = TestCodec.ReceivedBody("same-id", "A", 5, kit.Codec);

        await kit.Deliver([EventBatches.Received(body, 10)]);
        var again = await kit.Deliver([EventBatches.Received(body, 11)]);

        Assert.Equal(1, again.Duplicates);
        Assert.Equal(5, (await kit.Read("A"))!.Quantity);
    }

    [Fact]
    public async Task PositionsArePerSourcePartition()
    {
        var kit = new KitHarness(await NewTable());

        await kit.Deliver([EventBatches.Received(TestCodec.ReceivedBody("p0", "A", 1, kit.Codec), 5)], partition: "0");
        var other = await kit.Deliver([EventBatches.Received(TestCodec.ReceivedBody("p1", "A", 1, kit.Codec), 5)], partition: "1");

        Assert.Equal(1, other.Processed);
        Assert.Equal(2, (await kit.Read("A"))!.Quantity);
    }

    [Fact]
    public async Task CrashAfterCommitBeforePublish_RedeliveryPublishesTheOutboxWithTheSameIds()
    {
        var table = await NewTable();
        var crashed = new KitHarness(table);
        var batch = crashed.Receipts("c", ["A", "B"]);

        // Commit the state but never publish (the process "dies" before publishing).
        var result = await crashed.Processor.ProcessAsync(
            batch.Select((e, i) => new InboundEvent(crashed.Codec.Decode(e.EventBody.ToMemory()).Event!, new EventPosition("inventory-stock", "0", e.SequenceNumber, "", e.EnqueuedTime), default)).ToList(),
            CancellationToken.None);
        Assert.Equal(2, result.Outputs.Count);

        // A new instance (empty confirmation cache) gets the batch again.
        var restarted = new KitHarness(table);
        var outcome = await restarted.Deliver(batch);

        Assert.Equal((0, 2), (outcome.Processed, outcome.Duplicates));
        Assert.Equal(result.Outputs.Select(o => o.Id).Order(), restarted.Publisher.To("inventory-stock").Select(o => o.Id).Order());
        Assert.Equal(1, (await restarted.Read("A"))!.Quantity);
    }

    [Fact]
    public async Task ConcurrentWritersOnTheSameKeys_AreResolvedByETags_NoUpdateIsLost()
    {
        var table = await NewTable();
        var writers = Enumerable.Range(0, 4).Select(_ => new KitHarness(table)).ToArray();
        var skus = new[] { "HOT-1", "HOT-2", "HOT-3" };

        // Four partitions, each with 30 receipts over the same three SKUs, all at once.
        await Task.WhenAll(writers.Select((kit, p) =>
            kit.Deliver(kit.Receipts($"w{p}", Enumerable.Range(0, 30).Select(i => skus[i % 3])), partition: p.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        foreach (var sku in skus)
        {
            var state = await writers[0].Read(sku);
            Assert.Equal(40, state!.Quantity);
            Assert.Equal(40, state.Receipts);
        }
    }

    [Fact]
    public async Task BatchOverManyKeys_IsCoalescedIntoTransactionsOfAtMost100()
    {
        var kit = new KitHarness(await NewTable());
        var skus = Enumerable.Range(0, 250).Select(i => $"SKU-{i:D3}").ToList();
        // Every SKU appears twice in the batch: 500 events, 250 entities.
        var batch = kit.Receipts("m", skus.Concat(skus));

        var (before, transactionsBefore) = (kit.Store.RoundTrips, kit.Store.Transactions);
        var outcome = await kit.Deliver(batch);
        var transactions = kit.Store.Transactions - transactionsBefore;
        var reads = kit.Store.RoundTrips - before - transactions;

        Assert.Equal(500, outcome.Processed);
        // Reads: each of the 250 keys once (point reads, never once per event). Writes: every row gets an output, so each
        // row takes its outbox marker along, and a mark per event it applied (4 operations): 1000 / 100 = 10 transactions;
        // after the publish, clearing the 250 outboxes and their markers takes 5 more.
        Assert.Equal(250, reads);
        Assert.Equal(15, transactions);
        Assert.Equal(2, (await kit.Read("SKU-123"))!.Quantity);
    }

    [Fact]
    public async Task EnsureCreated_CreatesTheTableOnce_AndLaterCallsReuseTheCompletedTask()
    {
        var store = new TableStateStore<SkuTotal>(azurite.NewTable("once"), TestJson.Default.SkuTotal);

        var first = store.EnsureCreatedAsync(CancellationToken.None);
        await first;
        var second = store.EnsureCreatedAsync(CancellationToken.None);

        Assert.Same(first, second);
        Assert.Empty(await store.ReadPartitionAsync("p", CancellationToken.None));
    }

    [Fact]
    public async Task LargeOutbox_SpillsOverSeveralBinaryProperties_AndReadsBackWhole_ButOneOverAnEntityIsRefused()
    {
        var table = await NewTable();
        var store = new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal);
        // Three 50 KB bodies: about 200 KB of JSON (base64), four 60 KiB properties.
        var outbox = Enumerable.Range(0, 3).Select(i => new OutgoingEvent("hub", "K", $"id-{i}", "t", Enumerable.Repeat((byte)('a' + i), 50_000).ToArray(), i == 0 ? null : "00-tp")).ToArray();
        var record = (await store.ReadAsync("p", ["K"], CancellationToken.None))["K"];
        (record.State, record.Outbox, record.OutboxToken, record.IsDirty) = (new SkuTotal("K", 1, 1), outbox, "token", true);

        await store.CommitAsync("p", [record], CancellationToken.None);

        var entity = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>("p", "K")).Value;
        Assert.Equal(["Outbox", "Outbox1", "Outbox2", "Outbox3"], entity.Keys.Where(k => k.StartsWith("Outbox", StringComparison.Ordinal) && k != "OutboxToken").Order());
        var read = (await new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal).GetAsync("p", "K", CancellationToken.None))!;
        Assert.Equal(outbox.Select(e => (e.Id, e.TraceParent, Convert.ToBase64String(e.Body))), read.Outbox.Select(e => (e.Id, e.TraceParent, Convert.ToBase64String(e.Body))));

        // 1.2 MB of outbox cannot fit in one entity (1 MiB): a clear error, nothing written.
        (read.Outbox, read.IsDirty) = ([.. Enumerable.Range(0, 24).Select(i => outbox[0] with { Id = $"big-{i}" })], true);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync("p", [read], CancellationToken.None));
        Assert.Equal(3, (await store.GetAsync("p", "K", CancellationToken.None))!.Outbox.Count);
    }

    [Fact]
    public async Task ClearingAnOutboxWhoseMarkerIsAlreadyGone_CommitsWithoutTheMarkerDelete()
    {
        var table = await NewTable();
        var store = new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal);
        var record = (await store.ReadAsync("p", ["K"], CancellationToken.None))["K"];
        (record.State, record.Outbox, record.OutboxToken, record.IsDirty) = (new SkuTotal("K", 1, 1), [new OutgoingEvent("hub", "K", "id", "t", [1])], "token", true);
        await store.CommitAsync("p", [record], CancellationToken.None);
        // The relay dropped the marker (or the row predates markers).
        await table.DeleteEntityAsync("p", OutboxMarkers.MarkerPrefix + "K");

        Assert.Equal(1, await store.ClearOutboxesAsync([record], CancellationToken.None));

        Assert.Empty((await store.GetAsync("p", "K", CancellationToken.None))!.Outbox);
        Assert.Equal(["K"], table.Query<Azure.Data.Tables.TableEntity>("PartitionKey eq 'p'").Select(e => e.RowKey));
    }

    [Fact]
    public async Task ClearingOutboxesAfterSomeRowsChanged_ClearsEveryRowStillHoldingTheSameOutbox_AndCountsThem()
    {
        var table = await NewTable();
        var store = new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal);
        var keys = Enumerable.Range(0, 120).Select(i => $"K{i:000}").ToList();
        var records = (await store.ReadAsync("p", keys, CancellationToken.None)).Values.ToList();
        foreach (var record in records)
        {
            (record.State, record.Outbox, record.OutboxToken, record.IsDirty) = (new SkuTotal(record.Key.RowKey, 1, 1), [new OutgoingEvent("hub", "k", record.Key.RowKey, "t", [1])], "mine", true);
        }

        await store.CommitAsync("p", records, CancellationToken.None);

        // Another writer took over K070's outbox (new token), and changed K110's state but kept its outbox: both ETags moved.
        var other = new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal);
        var taken = (await other.GetAsync("p", "K070", CancellationToken.None))!;
        (taken.OutboxToken, taken.IsDirty) = ("theirs", true);
        var changed = (await other.GetAsync("p", "K110", CancellationToken.None))!;
        Change(changed, new SkuTotal("K110", 2, 2));
        await other.CommitAsync("p", [taken, changed], CancellationToken.None);

        Assert.Equal(119, await store.ClearOutboxesAsync(records, CancellationToken.None));

        var rows = (await store.ReadPartitionAsync("p", CancellationToken.None)).ToDictionary(r => r.Key.RowKey);
        Assert.Equal(["K070"], rows.Values.Where(r => r.Outbox.Count > 0).Select(r => r.Key.RowKey));
        Assert.Equal(2, rows["K110"].State!.Quantity);
        Assert.Equal([OutboxMarkers.MarkerPrefix + "K070"], table.Query<Azure.Data.Tables.TableEntity>("PartitionKey eq 'p'").Select(e => e.RowKey).Where(OutboxMarkers.IsMarker));
    }

    [Fact]
    public async Task ClearingAnOutbox_KeepsTheRowsStateAndAppliedLog_InTheTableAndInTheCache()
    {
        var table = await NewTable();
        var store = new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal, cacheCapacity: 10);
        var position = new EventPosition("hub", "0", 7, "7", DateTimeOffset.UnixEpoch);
        var record = (await store.ReadAsync("p", ["K"], CancellationToken.None))["K"];
        record.Applied.Add("event-1", position);
        (record.State, record.Outbox, record.OutboxToken, record.IsDirty) = (new SkuTotal("K", 3, 1), [new OutgoingEvent("hub", "k", "out-1", "t", [1])], "mine", true);
        await store.CommitAsync("p", [record], CancellationToken.None);

        Assert.Equal(1, await store.ClearOutboxesAsync([record], CancellationToken.None));

        var stored = (await store.GetAsync("p", "K", CancellationToken.None))!;
        var cached = (await store.ReadAsync("p", ["K"], CancellationToken.None))["K"];
        foreach (var row in new[] { stored, cached })
        {
            Assert.Empty(row.Outbox);
            Assert.Null(row.OutboxToken);
            Assert.Equal(3, row.State!.Quantity);
            Assert.True(row.Applied.Contains("event-1", position with { SequenceNumber = 99 }));
        }

        // The cache holds the merge's ETag: the next write from it succeeds.
        Change(cached, new SkuTotal("K", 4, 2));
        await store.CommitAsync("p", [cached], CancellationToken.None);
        Assert.Equal(4, (await store.GetAsync("p", "K", CancellationToken.None))!.State!.Quantity);
    }

    [Fact]
    public async Task StaleETag_ThrowsConcurrencyConflict()
    {
        var store = await NewStore();
        var second = await ReadBeforeAnotherCommits(store, new SkuTotal("K", 1, 1));
        Change(second, new SkuTotal("K", 2, 1));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CommitAsync("p", [second], CancellationToken.None));
        Assert.Equal(1, (await store.GetAsync("p", "K", CancellationToken.None))!.State!.Quantity);
    }

    [Fact]
    public async Task CommitConcurrently_OneTransactionConflicts_TheOthersStayCommitted_AndAConflictIsThrown()
    {
        var store = await NewStore();
        var stale = await ReadBeforeAnotherCommits(store, new SkuTotal("S", 7, 1));

        var groups = new List<IReadOnlyList<StateRecord<SkuTotal>>>();
        for (var g = 0; g < 6; g++)
        {
            var keys = Enumerable.Range(0, 50).Select(i => $"G{g}-{i}").ToList();
            var records = (await store.ReadAsync("p", keys, CancellationToken.None)).Values.ToList();
            foreach (var record in records)
            {
                Change(record, new SkuTotal(record.Key.RowKey, g, 1));
            }

            groups.Add(records);
        }

        Change(stale, new SkuTotal("S", 1, 1));
        groups.Insert(3, [stale]);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.CommitConcurrentlyAsync("p", groups, CancellationToken.None));

        // Every other group committed (their records carry the new ETags); the stale row kept the winner's value.
        var rows = (await store.ReadPartitionAsync("p", CancellationToken.None)).ToDictionary(r => r.Key.RowKey);
        Assert.Equal(301, rows.Count);
        Assert.Equal(7, rows["S"].State!.Quantity);
        Assert.All(groups.Where(g => g[0] != stale).SelectMany(g => g), r => Assert.False(r.IsDirty));
        Assert.Equal(5, rows["G5-49"].State!.Quantity);
    }

    [Fact]
    public async Task CommitConcurrently_RejectsATransactionOfMoreThan100Rows()
    {
        var store = await NewStore();
        var records = (await store.ReadAsync("p", Enumerable.Range(0, 101).Select(i => $"K{i}").ToList(), CancellationToken.None)).Values.ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => store.CommitConcurrentlyAsync("p", [records], CancellationToken.None));
    }
}
