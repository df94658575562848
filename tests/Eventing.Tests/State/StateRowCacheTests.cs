namespace Store.Eventing.Tests.State;

/// <summary>
/// The ETag-validated row cache of <see cref="TableStateStore{TState}"/>: two stores over one table play two processes,
/// each with its own cache; a stale cached row must end in a conflict and a re-read, never in a lost update.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StateRowCacheTests(AzuriteFixture azurite)
{
    private const string Pk = "p";

    private Task<TableClient> NewTable() => azurite.CreateTableAsync("cache");

    private static TableStateStore<SkuTotal> Store(TableClient table, int cache = 100) => new(table, TestJson.Default.SkuTotal, cacheCapacity: cache);

    private static async Task<StateRecord<SkuTotal>> Add(TableStateStore<SkuTotal> store, string sku, int quantity)
    {
        var record = (await store.ReadAsync(Pk, [sku], CancellationToken.None))[sku];
        var state = record.State ?? new SkuTotal(sku, 0, 0);
        record.State = state with { Quantity = state.Quantity + quantity, Receipts = state.Receipts + 1 };
        record.IsDirty = true;
        await store.CommitAsync(Pk, [record], CancellationToken.None);
        return record;
    }

    [Fact]
    public async Task RowWrittenByThisStore_IsServedFromTheCache_WithoutARoundTrip()
    {
        var store = Store(await NewTable());
        await Add(store, "A", 5);

        var before = store.RoundTrips;
        var again = (await store.ReadAsync(Pk, ["A"], CancellationToken.None))["A"];

        Assert.Equal(before, store.RoundTrips);
        Assert.False(again.IsFresh);
        Assert.Equal(5, again.State!.Quantity);
    }

    [Fact]
    public async Task StaleCachedRow_AfterAnotherWriter_ConflictsEvictsAndTheReReadSeesTheOtherWrite_NoLostUpdate()
    {
        var table = await NewTable();
        var mine = Store(table);
        var theirs = Store(table);
        await Add(mine, "A", 1);
        await Add(theirs, "A", 10);

        // My cache still holds quantity 1 with the old ETag: the update conditioned on it must fail.
        var stale = (await mine.ReadAsync(Pk, ["A"], CancellationToken.None))["A"];
        Assert.False(stale.IsFresh);
        Assert.Equal(1, stale.State!.Quantity);
        stale.State = stale.State with { Quantity = stale.State.Quantity + 100 };
        stale.IsDirty = true;
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => mine.CommitAsync(Pk, [stale], CancellationToken.None));

        // The conflict evicted the row: the re-read goes to the table and sees the other writer's update.
        var reread = (await mine.ReadAsync(Pk, ["A"], CancellationToken.None))["A"];
        Assert.True(reread.IsFresh);
        Assert.Equal(11, reread.State!.Quantity);
        await Add(mine, "A", 100);
        Assert.Equal(111, (await theirs.GetAsync(Pk, "A", CancellationToken.None))!.State!.Quantity);
    }

    [Fact]
    public async Task RowAssumedNew_ThatAnotherWriterCreated_FailsItsInsert_AndIsReadOnTheNextAttempt()
    {
        var table = await NewTable();
        var mine = Store(table);
        await Add(Store(table), "A", 7);

        var assumed = (await mine.ReadAsync(Pk, ["A"], _ => true, CancellationToken.None))["A"];
        Assert.False(assumed.Exists);
        Assert.False(assumed.IsFresh);
        assumed.State = new SkuTotal("A", 1, 1);
        assumed.IsDirty = true;
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => mine.CommitAsync(Pk, [assumed], CancellationToken.None));

        var reread = (await mine.ReadAsync(Pk, ["A"], CancellationToken.None))["A"];
        Assert.True(reread.IsFresh);
        Assert.Equal(7, reread.State!.Quantity);
    }

    [Fact]
    public async Task WithoutACache_RowsAreNeverAssumedNew()
    {
        var table = await NewTable();
        await Add(Store(table), "A", 7);
        var uncached = Store(table, cache: 0);

        var record = (await uncached.ReadAsync(Pk, ["A"], _ => true, CancellationToken.None))["A"];

        Assert.True(record.IsFresh);
        Assert.Equal(7, record.State!.Quantity);
    }

    [Fact]
    public async Task CacheIsBoundedByItsCapacity()
    {
        var store = Store(await NewTable(), cache: 3);
        foreach (var sku in new[] { "A", "B", "C", "D", "E" })
        {
            await Add(store, sku, 1);
        }

        // The three most recently written rows are cached; the least recently used were dropped and are read again.
        Assert.All((await store.ReadAsync(Pk, ["C", "D", "E"], CancellationToken.None)).Values, r => Assert.False(r.IsFresh));
        Assert.All((await store.ReadAsync(Pk, ["A", "B"], CancellationToken.None)).Values, r => Assert.True(r.IsFresh));
    }

    [Fact]
    public async Task TwoCachingProcessesAlternatingOnTheSameRows_LoseNoUpdate()
    {
        var table = await NewTable();
        var one = new KitHarness(table, cacheCapacity: 1000);
        var two = new KitHarness(table, cacheCapacity: 1000);
        var skus = new[] { "A", "B", "C" };
        var sequence = 0L;
        EventData[] Batch(KitHarness kit, int n) =>
            [.. Enumerable.Range(0, n).Select(i => EventBatches.Received(TestCodec.ReceivedBody($"r{sequence}-{i}", skus[i % skus.Length], 1, kit.Codec), ++sequence))];

        var conflicts = 0;
        for (var round = 0; round < 6; round++)
        {
            // Sequential alternation: each process's cache is stale for every row the other just wrote.
            conflicts += (await one.Deliver(Batch(one, 9), partition: "0")).Conflicts;
            conflicts += (await two.Deliver(Batch(two, 9), partition: "1")).Conflicts;
        }

        var concurrent = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? one : two).Deliver(Batch(one, 12), partition: (2 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.True(conflicts > 0, "stale cached rows must have been detected by their ETags");
        Assert.Equal(4 * 12, concurrent.Sum(o => o.Processed));
        var total = 0;
        foreach (var sku in skus)
        {
            total += (await one.Read(sku))!.Quantity;
        }

        Assert.Equal(12 * 9 + 4 * 12, total);
    }
}
