using Microsoft.Extensions.Time.Testing;

namespace Store.Eventing.Tests.State;

/// <summary>The Azure Tables model in front of a real Azurite: its budgets, how it answers beyond them, its latency.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTablesModelTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_partition_beyond_its_budget_gets_503_ServerBusy_while_another_partition_is_served()
    {
        var time = new FakeTimeProvider();
        var model = new AzureTablesModel(partitionEntitiesPerSecond: 150, accountEntitiesPerSecond: 10_000, time: time);
        var table = await TableAsync(model);

        await table.SubmitTransactionAsync(Inserts("p", 0, 100)); // 150 -> 50
        await table.SubmitTransactionAsync(Inserts("p", 100, 100)); // 50 -> -50: admitted while not in debt
        var busy = await Assert.ThrowsAsync<RequestFailedException>(() => table.SubmitTransactionAsync(Inserts("p", 200, 1)));
        Assert.Equal(503, busy.Status);
        Assert.Equal("ServerBusy", busy.ErrorCode);
        await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync<TableEntity>("p", "r000"));
        await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "single")));

        await table.AddEntityAsync(new TableEntity("q", "r")); // another partition has its own budget

        time.Advance(TimeSpan.FromSeconds(0.5)); // -50 + 75 = 25: in credit again
        await table.SubmitTransactionAsync(Inserts("p", 200, 1));
        Assert.Equal(3, model.Throttled);
        Assert.Equal(202, model.Entities);
    }

    [Fact]
    public async Task The_account_budget_throttles_every_partition()
    {
        var time = new FakeTimeProvider();
        var model = new AzureTablesModel(partitionEntitiesPerSecond: 1_000, accountEntitiesPerSecond: 100, time: time);
        var table = await TableAsync(model);

        await table.SubmitTransactionAsync(Inserts("a", 0, 100));
        await table.SubmitTransactionAsync(Inserts("b", 0, 1)); // 100 -> 0 -> -1
        var busy = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("c", "r")));
        Assert.Equal("ServerBusy", busy.ErrorCode);
    }

    [Fact]
    public async Task A_query_is_charged_for_every_entity_it_returns_and_unescaped_keys_share_one_budget()
    {
        var time = new FakeTimeProvider();
        var model = new AzureTablesModel(partitionEntitiesPerSecond: 150, accountEntitiesPerSecond: 10_000, time: time);
        var table = await TableAsync(model);
        const string partition = "o'brien ü+%";
        await table.SubmitTransactionAsync(Inserts(partition, 0, 100)); // budget 150 -> 50
        time.Advance(TimeSpan.FromSeconds(1)); // refilled to 150 (one second of burst at most)

        var rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == partition).ToListAsync();
        Assert.Equal(100, rows.Count); // admitted at 1, then charged 99 more: 150 -> 50
        await table.GetEntityAsync<TableEntity>(partition, "r000"); // 50 -> 49 (point read, key in the path)
        await table.UpsertEntityAsync(new TableEntity(partition, "x")); // 49 -> 48
        await table.SubmitTransactionAsync(Inserts(partition, 100, 49)); // 48 -> -1 (keys in the batch body)
        await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync<TableEntity>(partition, "r000"));
        Assert.Equal(1, model.Throttled);
    }

    [Fact]
    public async Task Every_attempt_pays_the_latency()
    {
        var model = new AzureTablesModel(latency: TimeSpan.FromMilliseconds(40));
        var table = await TableAsync(model);
        await table.AddEntityAsync(new TableEntity("p", "r"));

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            await table.GetEntityAsync<TableEntity>("p", "r");
        }

        Assert.InRange(clock.Elapsed.TotalMilliseconds, 5 * 39, 5_000);
    }

    private async Task<TableClient> TableAsync(AzureTablesModel model)
    {
        var name = azurite.NewTable("model").Name;
        await new TableServiceClient(azurite.ConnectionString).CreateTableAsync(name); // not counted by the model anyway
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0; // see each answer of the model
        options.Transport = model;
        return new TableServiceClient(azurite.ConnectionString, options).GetTableClient(name);
    }

    private static IEnumerable<TableTransactionAction> Inserts(string partition, int from, int count) =>
        Enumerable.Range(from, count).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"r{i:000}")));
}
