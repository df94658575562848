using static Store.Analytics.Tests.Functions.AnalyticsTestApp;

namespace Store.Analytics.Tests.Functions;

[Collection(AzuriteCollection.Name)]
public sealed class AnalyticsFunctionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task EventsOfEveryConsumedHub_AreCountedPerTypeAndUtcDay()
    {
        using var app = Create(azurite);

        foreach (var (hub, type) in Consumed)
        {
            var outcome = await app.DeliverAsync(hub, app.Batch(
                (Event(type, hub + "-1", T0), null), (Event(type, hub + "-2", T0.AddHours(1)), null), (Event(type, hub + "-3", T0.AddDays(1)), null)));
            Assert.Equal(3, outcome.Processed);
        }

        var (status, body) = await app.GetDailyAsync("2026-03-01");
        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(2 * Consumed.Count, json.RootElement.GetProperty("total").GetInt64());
        Assert.Equal(
            Consumed.GroupBy(c => CountedAs(c.Type)).ToDictionary(g => g.Key, g => 2L * g.Count()),
            await app.CountsAsync("2026-03-01"));
        Assert.Equal(Consumed.Count, (await app.CountsAsync("2026-03-02")).Values.Sum());
        Assert.Empty(app.Publisher.Published);
    }

    [Theory]
    [InlineData("2026-01-01")]
    [InlineData("not-a-day")]
    public async Task UnknownOrInvalidDay_Is404ProblemDetails(string day)
    {
        using var app = Create(azurite);

        var (status, body) = await app.GetDailyAsync(day);

        Assert.Equal(404, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(404, json.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task RedeliveryOfAWholeBatch_AndADuplicateInside_CountOnce()
    {
        using var app = Create(azurite);
        var (hub, type) = Consumed[0];
        var batch = app.Batch((Event(type, "e-1", T0), null), (Event(type, "e-2", T0), null), (Event(type, "e-1", T0), null));

        var first = await app.DeliverAsync(hub, batch);
        var again = await app.DeliverAsync(hub, batch);
        using var restarted = app.Restarted();
        var copy = await restarted.DeliverAsync(hub, restarted.Batch((Event(type, "e-2", T0), null)), partitionId: "1");

        Assert.Equal(2, first.Processed);
        Assert.Equal(0, again.Processed);
        Assert.Equal(0, copy.Processed);
        Assert.Equal(new Dictionary<string, long> { [CountedAs(type)] = 2 }, await app.CountsAsync("2026-03-01"));
    }

    [Fact]
    public async Task ConcurrentBatchesOnEveryPartition_OfOneDay_AreAllCounted()
    {
        using var app = Create(azurite);
        var (hub, type) = Consumed[0];
        const int Partitions = 4, PerBatch = 25;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Partitions).Select(p => Task.Run(() => app.DeliverAsync(hub,
            app.Batch([.. Enumerable.Range(0, PerBatch).Select(i => (Event(type, $"p{p}-{i}", T0.AddMinutes(i)), (string?)null))]),
            partitionId: p.ToString(System.Globalization.CultureInfo.InvariantCulture)))));

        Assert.All(outcomes, o => Assert.Equal(PerBatch, o.Processed));
        Assert.Equal(new Dictionary<string, long> { [CountedAs(type)] = Partitions * PerBatch }, await app.CountsAsync("2026-03-01"));
    }
}
