namespace Store.LocalHost.EventLog;

/// <summary>
/// The <see cref="IEventPublisher"/> a context gets in the local host instead of the kit's Event Hubs publisher:
/// it appends to the embedded log with the same body, partition key and properties the Event Hubs publisher sets.
/// </summary>
public sealed class LogPublisher(EventStreamLog log, string context, Action<string, IReadOnlyList<OutgoingEvent>>? published = null, Func<OutgoingEvent, OutgoingEvent>? rewrite = null) : IEventPublisher
{
    /// <summary>The publishing context.</summary>
    public string Context => context;

    /// <inheritdoc />
    public Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (rewrite is not null)
        {
            events = events.Select(rewrite).ToArray();
        }

        foreach (var group in events.GroupBy(e => e.Hub, StringComparer.Ordinal))
        {
            log.Append(group.Key, group.Select(ToAppend));
        }

        published?.Invoke(context, events);
        return Task.CompletedTask;
    }

    private static EventToAppend ToAppend(OutgoingEvent e)
    {
        // Same properties as EventHubsPublisher.ToEventData, so consumers see what they would see in Azure.
        var properties = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["cloudEvents:id"] = e.Id,
            ["cloudEvents:type"] = e.Type,
        };
        if (e.TraceParent is not null)
        {
            properties["traceparent"] = e.TraceParent;
        }

        return new EventToAppend(e.Body, e.PartitionKey, properties, e.Id, "application/cloudevents+json; charset=utf-8");
    }
}
