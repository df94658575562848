using Store.Eventing.Tests.State;

namespace Store.Eventing.Tests.Processing;

/// <summary>
/// Two invocations of one process touch the same row: the second finds the first's outbox committed but not yet
/// published. It keeps those entries in the row but leaves publishing them to the first, unless the first fails.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OutboxInFlightTests(AzuriteFixture azurite)
{
    private Task<KitHarness> NewKit() => KitHarness.CreateAsync(azurite, "inflight");

    [Fact]
    public async Task ConcurrentInvocationOnTheSameRow_DoesNotRepublishTheOutboxOfAnInvocationStillPublishing()
    {
        var kit = await NewKit();
        var release = new TaskCompletionSource();
        kit.Publisher.HoldNext = release.Task;

        var first = kit.Deliver([EventBatches.Received(TestCodec.ReceivedBody("a", "SKU", 1, kit.Codec), 1)], partition: "0");
        await kit.Publisher.Held;
        await kit.Deliver([EventBatches.Received(TestCodec.ReceivedBody("b", "SKU", 1, kit.Codec), 1)], partition: "1");
        var whileHeld = kit.Publisher.Published.Select(e => e.Id).ToList();
        release.SetResult();
        await first;

        var ids = kit.Publisher.Published.Select(e => e.Id).ToList();
        Assert.Single(whileHeld);
        Assert.Equal(2, ids.Count);
        Assert.Equal(2, ids.Distinct().Count());
        Assert.Equal(2, (await kit.Read("SKU"))!.Quantity);
    }

    [Fact]
    public async Task WhenTheInvocationStillPublishingFails_TheNextReaderPublishesItsCarriedOutputs()
    {
        var kit = await NewKit();
        var release = new TaskCompletionSource();
        kit.Publisher.HoldNext = release.Task;
        var batchA = new[] { EventBatches.Received(TestCodec.ReceivedBody("a", "SKU", 1, kit.Codec), 1) };

        var first = kit.Deliver(batchA, partition: "0");
        await kit.Publisher.Held;
        await kit.Deliver([EventBatches.Received(TestCodec.ReceivedBody("b", "SKU", 1, kit.Codec), 1)], partition: "1");
        var fromB = Assert.Single(kit.Publisher.Published).Id;
        kit.Publisher.FailNext = new InvalidOperationException("Event Hubs unavailable");
        release.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);

        // The retry of the failed batch finds its event applied, and publishes the row's outbox: A's output (never
        // published) and B's (published before: a duplicate with the same id, which consumers drop).
        var retry = await kit.Deliver(batchA, partition: "0");

        Assert.Equal(1, retry.Duplicates);
        var ids = kit.Publisher.Published.Select(e => e.Id).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.Contains(ids, id => id != fromB);
        Assert.Equal(2, (await kit.Read("SKU"))!.Quantity);
    }
}
