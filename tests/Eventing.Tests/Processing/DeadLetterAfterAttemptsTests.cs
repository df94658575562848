using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;

namespace Store.Eventing.Tests.Processing;

/// <summary>
/// The operator's way out of a blocked partition (<c>Eventing:DeadLetterAfterAttempts:&lt;Context&gt;</c>): off by default,
/// so a transient failure keeps the batch (and the checkpoint) waiting; from the N-th attempt on, the events that still
/// fail are dead-lettered and the rest of the batch is applied.
/// </summary>
public sealed class DeadLetterAfterAttemptsTests
{
    private static readonly RequestFailedException Outage = new(503, "Service Unavailable");

    [Fact]
    public void Setting_IsOffByDefault_ReadPerContext_AndRejectsNonsense()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eventing:DeadLetterAfterAttempts:Inventory"] = "3",
            ["Eventing:DeadLetterAfterAttempts:Sales"] = "many",
        }).Build();

        Assert.False(DeliveryOptions.From(configuration, "Tracking").GivesUp(1_000_000));
        var inventory = DeliveryOptions.From(configuration, "Inventory");
        Assert.False(inventory.GivesUp(retryCount: 1));
        Assert.True(inventory.GivesUp(retryCount: 2));
        var error = Assert.Throws<InvalidOperationException>(() => DeliveryOptions.From(configuration, "Sales"));
        Assert.Contains("Eventing:DeadLetterAfterAttempts:Sales", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheSetting_ATransientFailure_Throws_SoTheCheckpointWaits()
    {
        var (handler, publisher) = Handler(DeliveryOptions.Default);
        var batch = new[] { EventBatches.ReceivedText(Body("e1"), 1) };

        await Assert.ThrowsAsync<RequestFailedException>(() =>
            handler.HandleAsync(batch, new TriggerContext("Inventory", "inventory-stock", "inventory", "0", RetryCount: 50), (_, _) => throw Outage, CancellationToken.None));
        Assert.Empty(publisher.To("dead-letters"));
    }

    [Fact]
    public async Task FromTheNthAttempt_TheEventThatStillFails_IsDeadLettered_AndTheOthersApply()
    {
        var (handler, publisher) = Handler(new DeliveryOptions(3));
        var batch = new[] { EventBatches.ReceivedText(Body("good"), 1), EventBatches.ReceivedText(Body("stuck"), 2) };
        var applied = new List<string>();
        Task<ProcessResult> Process(IReadOnlyList<InboundEvent> events, CancellationToken ct)
        {
            if (events.Any(e => e.Event.Id == "stuck"))
            {
                throw Outage;
            }

            applied.AddRange(events.Select(e => e.Event.Id));
            return Task.FromResult(new ProcessResult { Applied = events.Count });
        }

        // Attempt 2 (retry count 1) still waits; attempt 3 gives up on the event that keeps failing.
        await Assert.ThrowsAsync<RequestFailedException>(() => handler.HandleAsync(batch, Trigger(retryCount: 1), Process, CancellationToken.None));
        var outcome = await handler.HandleAsync(batch, Trigger(retryCount: 2), Process, CancellationToken.None);

        Assert.Equal(1, outcome.DeadLettered);
        Assert.Contains("good", applied);
        var letter = JsonDocument.Parse(Assert.Single(publisher.To("dead-letters")).Body).RootElement.GetProperty("data");
        Assert.Equal(2, letter.GetProperty("sequenceNumber").GetInt64());
        Assert.StartsWith("Gave up on attempt 3", letter.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATransientFailure_WhileProcessingOrPublishing_CountsABlockedAttempt()
    {
        var metrics = new EventingMetrics();
        var (handler, publisher) = Handler(DeliveryOptions.Default, metrics);
        var blocked = 0L;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument, metrics.BlockedAttempts))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref blocked, value));
        listener.Start();
        var batch = new[] { EventBatches.ReceivedText(Body("e1"), 1) };

        await Assert.ThrowsAsync<RequestFailedException>(() => handler.HandleAsync(batch, Trigger(retryCount: 0), (_, _) => throw Outage, CancellationToken.None));
        Assert.Equal(1, Interlocked.Read(ref blocked));

        publisher.FailNext = Outage;
        await Assert.ThrowsAsync<RequestFailedException>(() => handler.HandleAsync(batch, Trigger(retryCount: 1),
            (events, _) => Task.FromResult(new ProcessResult { Applied = events.Count }), CancellationToken.None));
        Assert.Equal(2, Interlocked.Read(ref blocked));
    }

    private static TriggerContext Trigger(int retryCount) => new("Inventory", "inventory-stock", "inventory", "0", retryCount);

    private static string Body(string id) =>
        $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"/s","type":"inventory.stock-received.v1","subject":"A","data":{"receiptId":"{{{id}}}","sku":"A","quantity":1}}""";

    private static (EventBatchHandler Handler, RecordingPublisher Publisher) Handler(DeliveryOptions delivery, EventingMetrics? metrics = null)
    {
        var publisher = new RecordingPublisher();
        var codec = TestCodec.Create();
        var handler = new EventBatchHandler(codec, new DeadLetterWriter("Inventory", TimeProvider.System), new OutputEncoder(codec, "Inventory"),
            KitHarness.NewOutbox(publisher, new OutboxConfirmations()), metrics ?? new EventingMetrics(), TimeProvider.System, NullLogger<EventBatchHandler>.Instance, delivery);
        return (handler, publisher);
    }
}
