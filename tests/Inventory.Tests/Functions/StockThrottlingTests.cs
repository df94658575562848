using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Functions;

/// <summary>
/// Inventory against the Azure Tables model (tests/TestSupport/AzureTablesModel.cs) with a small partition budget and the
/// Tables client's own retries off, so every 503 ServerBusy reaches the kit: it must classify it as transient (the batch
/// fails, the trigger runs it again; transactions committed before the 503 make their events no-ops) and never
/// dead-letter an event for it. The stock ends exactly as without throttling, every order decided once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StockThrottlingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ServerBusyAnswers_AreRetried_AndEveryOrderIsDecidedOnce()
    {
        var model = new AzureTablesModel(partitionEntitiesPerSecond: 100, accountEntitiesPerSecond: 20_000);
        var options = new Azure.Data.Tables.TableClientOptions { Transport = model };
        options.Retry.MaxRetries = 0;
        using var app = InventoryTestApp.Create(azurite, options);
        await DeliverAsync(() => app.OnStock("0", [.. Enumerable.Range(0, 20).Select(i => app.Stock(Receipt($"r{i}", $"S{i}", 100)))]));

        for (var batch = 0; batch < 3; batch++)
        {
            var orders = Enumerable.Range(batch * 40, 40).Select(i => app.Placed(Order($"o{i}", ($"S{i % 20}", 2), ($"S{(i + 7) % 20}", 1)))).ToArray();
            await DeliverAsync(() => app.OnSalesOrders("0", orders));
        }

        Assert.True(model.Throttled > 0, "the budget was never exceeded: the test does not exercise 503s");
        Assert.Empty(app.Publisher.To("dead-letters"));
        var rows = await DeliverAsync(app.RowsAsync); // the test's own reads are throttled too
        Assert.All(rows.Values.Select(r => r.State!.Sku).OfType<SkuStock>(), s => Assert.Equal(new SkuStock(s.Sku, 82, 18, 0, 100), s));
        Assert.Equal(120, app.PublishedData<StockReserved>(InventoryEventTypes.StockReserved).Select(r => r.OrderId).Distinct().Count());
    }

    /// <summary>What the Functions host does with a batch that failed transiently: run it again (the checkpoint stays).</summary>
    private static Task DeliverAsync(Func<Task> batch) => DeliverAsync(async () =>
    {
        await batch();
        return true;
    });

    private static async Task<T> DeliverAsync<T>(Func<Task<T>> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await batch();
            }
            catch (Exception ex) when (Store.Eventing.Processing.TransientFailures.IsTransient(ex) && attempt < 200)
            {
                await Task.Delay(100);
            }
        }
    }
}
