using Azure.Core;
using Azure.Core.Pipeline;

namespace Store.Eventing.Tests.State;

/// <summary>
/// The outbox's pending markers and their partition index, across crashes between commit, publish, confirm and clear:
/// whatever step a process died after, a relay (of a new process, or of the same one) publishes under the original ids
/// what may not have been published, and afterwards no row holds an outbox and no bookkeeping row is left.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OutboxRelayTests(AzuriteFixture azurite)
{
    private static readonly OutboxRelayOptions Immediately = new(TimeSpan.Zero, TimeSpan.Zero);

    private static Azure.Messaging.EventHubs.EventData[] Batch(KitHarness kit) =>
    [
        EventBatches.Received(TestCodec.ReceivedBody("e1", "A", 2, kit.Codec), 1),
        EventBatches.Received(TestCodec.ReceivedBody("e2", "B", 3, kit.Codec), 2),
        EventBatches.Received(TestCodec.ReceivedBody("e3", "A", 4, kit.Codec), 3),
    ];

    private static readonly string[] ExpectedIds = new[] { "e1", "e2", "e3" }.Select(id => EventIds.Derive(id, "echo")).Order(StringComparer.Ordinal).ToArray();

    private async Task<TableClient> NewTable(HttpPipelinePolicy? policy = null)
    {
        var name = azurite.NewTable("relay").Name;
        var options = new TableClientOptions();
        if (policy is not null)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        var table = new TableServiceClient(azurite.ConnectionString, options).GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        return table;
    }

    /// <summary>A relay as a (new or the same) process has it.</summary>
    private static OutboxRelay Relay(TableClient table, OutboxConfirmations confirmations, IEventPublisher publisher) =>
        Relay(new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal), confirmations, publisher, Immediately);

    /// <summary>A relay over <paramref name="store"/> with these thresholds.</summary>
    private static OutboxRelay Relay(TableStateStore<SkuTotal> store, OutboxConfirmations confirmations, IEventPublisher publisher, OutboxRelayOptions options) =>
        new([new RelayedOutbox<SkuTotal>(store)], publisher, confirmations, options,
            new EventingMetrics(), TimeProvider.System, NullLogger<OutboxRelay>.Instance);

    /// <summary>Delivers the batch to a process that dies after committing it and before publishing.</summary>
    private static Task CrashBeforePublish(KitHarness kit, string death)
    {
        kit.Publisher.FailNext = new InvalidOperationException(death);
        return Assert.ThrowsAsync<InvalidOperationException>(() => kit.Deliver(Batch(kit)));
    }

    /// <summary>Rows holding an outbox, markers, index rows.</summary>
    private async Task<(int Outboxes, int Markers, int Index)> Bookkeeping(TableClient table)
    {
        int outboxes = 0, markers = 0, index = 0;
        await foreach (var entity in new TableServiceClient(azurite.ConnectionString).GetTableClient(table.Name).QueryAsync<TableEntity>())
        {
            if (entity.PartitionKey == OutboxMarkers.IndexPartition)
            {
                index++;
            }
            else if (OutboxMarkers.IsMarker(entity.RowKey))
            {
                markers++;
            }
            else if (entity.GetBinary("Outbox") is { Length: > 0 })
            {
                outboxes++;
            }
        }

        return (outboxes, markers, index);
    }


    [Fact]
    public async Task LiveInvocation_ClearsTheOutboxesItPublished_AndTheRelayUnlistsThePartition()
    {
        var table = await NewTable();
        var kit = new KitHarness(table);

        await kit.Deliver(Batch(kit));

        Assert.Equal(ExpectedIds, kit.Publisher.To("inventory-stock").Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal((0, 0, 1), await Bookkeeping(table));
        var outcome = await Relay(table, kit.Confirmations, new RecordingPublisher()).RunAsync("Test", CancellationToken.None);
        Assert.Equal((0, 0), (outcome.Published, outcome.Pending));
        Assert.Equal((0, 0, 0), await Bookkeeping(table));
    }

    [Fact]
    public async Task CrashAfterCommit_BeforePublish_ARelayOfANewProcessPublishesUnderTheOriginalIds()
    {
        var table = await NewTable();
        var kit = new KitHarness(table);
        await CrashBeforePublish(kit, "the process dies before publishing");

        Assert.Equal((2, 2, 1), await Bookkeeping(table));
        var published = new RecordingPublisher();
        var relay = Relay(table, new OutboxConfirmations(), published);
        var outcome = await relay.RunAsync("Test", CancellationToken.None);
        Assert.Equal((3, 2), (outcome.Published, outcome.Cleared));
        Assert.Equal(ExpectedIds, published.To("inventory-stock").Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal((0, 0, 1), await Bookkeeping(table));

        await relay.RunAsync("Test", CancellationToken.None);
        Assert.Equal((0, 0, 0), await Bookkeeping(table));
        Assert.Equal(3, published.Published.Count);
    }

    [Fact]
    public async Task CrashAfterPublish_BeforeConfirm_ARelayOfANewProcessPublishesAgainUnderTheSameIds_ThenClears()
    {
        var table = await NewTable();
        var kit = new KitHarness(table);
        var dying = new PublishThenDie();
        var handler = KitHarness.NewHandler(kit.Codec, KitHarness.NewOutbox(dying, kit.Confirmations));

        await Assert.ThrowsAsync<InvalidOperationException>(() => handler.HandleAsync(Batch(kit), KitHarness.Trigger(), kit.Processor.ProcessAsync, CancellationToken.None));

        Assert.Equal(ExpectedIds, dying.Sent.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal((2, 2, 1), await Bookkeeping(table));
        var again = new RecordingPublisher();
        var relay = Relay(table, new OutboxConfirmations(), again);
        await relay.RunAsync("Test", CancellationToken.None);
        await relay.RunAsync("Test", CancellationToken.None);

        // At least once: the same ids again, which consumers drop.
        Assert.Equal(ExpectedIds, again.To("inventory-stock").Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal((0, 0, 0), await Bookkeeping(table));
    }

    [Fact]
    public async Task CrashAfterConfirm_BeforeTheClear_TheSameProcessRelayClearsWithoutPublishingAgain()
    {
        // The second entity-group transaction (the clear after the publish) fails: the outboxes are published and confirmed.
        var table = await NewTable(new FailNthBatch(2));
        var kit = new KitHarness(table);

        await kit.Deliver(Batch(kit));

        Assert.Equal(3, kit.Publisher.To("inventory-stock").Count);
        Assert.Equal((2, 2, 1), await Bookkeeping(table));
        var again = new RecordingPublisher();
        var relay = Relay(table, kit.Confirmations, again);
        var outcome = await relay.RunAsync("Test", CancellationToken.None);
        Assert.Equal((0, 2), (outcome.Published, outcome.Cleared));
        await relay.RunAsync("Test", CancellationToken.None);
        Assert.Empty(again.Published);
        Assert.Equal((0, 0, 0), await Bookkeeping(table));
    }

    [Fact]
    public async Task CrashBetweenTheIndexUpsertAndTheCommit_LeavesOnlyAnIndexRow_WhichTheRelayUnlistsAfterTheGracePeriod()
    {
        var table = await NewTable();
        var kit = new KitHarness(table);
        await kit.Store.Markers.EnsureIndexedAsync("p", CancellationToken.None);
        Assert.Equal((0, 0, 1), await Bookkeeping(table));

        var patient = Relay(kit.Store, kit.Confirmations, new RecordingPublisher(), new OutboxRelayOptions(TimeSpan.Zero, TimeSpan.FromHours(1)));
        await patient.RunAsync("Test", CancellationToken.None);
        Assert.Equal((0, 0, 1), await Bookkeeping(table));

        await Relay(table, kit.Confirmations, new RecordingPublisher()).RunAsync("Test", CancellationToken.None);
        Assert.Equal((0, 0, 0), await Bookkeeping(table));
    }

    [Fact]
    public async Task OutboxYoungerThanTheThreshold_IsLeftToItsInvocation()
    {
        var table = await NewTable();
        var kit = new KitHarness(table);
        await CrashBeforePublish(kit, "dies");

        var published = new RecordingPublisher();
        var relay = Relay(kit.Store, new OutboxConfirmations(), published, new OutboxRelayOptions(TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        var outcome = await relay.RunAsync("Test", CancellationToken.None);

        Assert.Equal((0, 2), (outcome.Published, outcome.Pending));
        Assert.Empty(published.Published);
        Assert.Equal((2, 2, 1), await Bookkeeping(table));
    }

    /// <summary>Sends, then the process dies before it can confirm.</summary>
    private sealed class PublishThenDie : IEventPublisher
    {
        public List<OutgoingEvent> Sent { get; } = [];

        public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
        {
            Sent.AddRange(events);
            throw new InvalidOperationException("the process dies after publishing");
        }
    }

    /// <summary>Fails the n-th entity-group transaction with 503 (before it reaches the table).</summary>
    private sealed class FailNthBatch(int n) : HttpPipelinePolicy
    {
        private int _batches;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Check(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Check(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Check(HttpMessage message)
        {
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && Interlocked.Increment(ref _batches) == n)
            {
                throw new RequestFailedException(503, "Table storage unavailable (test).");
            }
        }
    }
}
