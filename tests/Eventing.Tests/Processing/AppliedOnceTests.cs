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
}
