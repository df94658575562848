namespace Store.Eventing.Outbox;

/// <summary>Publishes with one <see cref="EventHubProducerClient"/> per hub (named clients from Microsoft.Extensions.Azure) using <see cref="EventDataBatch"/> per partition key.</summary>
/// <remarks>The Functions output binding cannot set a partition key, which is why outputs go through the producer client.</remarks>
public sealed class EventHubsPublisher(IAzureClientFactory<EventHubProducerClient> producers) : IEventPublisher
{
    private const int MaxConcurrentSends = 8;

    // One group per (hub, partition key), in arrival order inside each group.
    public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken) => Parallel.ForEachAsync(
        events.GroupBy(e => (e.Hub, e.PartitionKey)),
        new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentSends, CancellationToken = cancellationToken },
        async (group, ct) => await SendGroupAsync(producers.CreateClient(group.Key.Hub), group.Key.PartitionKey, group, ct).ConfigureAwait(false));

    /// <summary>Builds the <see cref="EventData"/> for an outgoing event: structured CloudEvents body plus routing properties.</summary>
    public static EventData ToEventData(OutgoingEvent e)
    {
        var data = new EventData(e.Body) { MessageId = e.Id, ContentType = "application/cloudevents+json; charset=utf-8" };
        data.Properties["cloudEvents:id"] = e.Id;
        data.Properties["cloudEvents:type"] = e.Type;
        if (e.TraceParent is not null)
        {
            data.Properties["traceparent"] = e.TraceParent;
        }

        return data;
    }

    private static async Task SendGroupAsync(EventHubProducerClient producer, string partitionKey, IEnumerable<OutgoingEvent> events, CancellationToken ct)
    {
        var options = new CreateBatchOptions { PartitionKey = partitionKey };
        var batch = await producer.CreateBatchAsync(options, ct).ConfigureAwait(false);
        try
        {
            foreach (var e in events)
            {
                var data = ToEventData(e);
                if (!batch.TryAdd(data) && batch.Count > 0)
                {
                    await producer.SendAsync(batch, ct).ConfigureAwait(false);
                    batch.Dispose();
                    batch = await producer.CreateBatchAsync(options, ct).ConfigureAwait(false);
                    _ = batch.TryAdd(data);
                }

                if (batch.Count == 0)
                {
                    throw new InvalidOperationException($"Event {e.Id} ({e.Body.Length} bytes) is larger than the hub's maximum batch size.");
                }
            }

            await producer.SendAsync(batch, ct).ConfigureAwait(false);
        }
        finally
        {
            batch.Dispose();
        }
    }
}
