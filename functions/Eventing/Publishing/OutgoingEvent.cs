namespace Store.Eventing.Publishing;

/// <summary>An encoded output event ready to send: target hub, partition key (aggregate id) and CloudEvents JSON body.</summary>
public sealed record OutgoingEvent(string Hub, string PartitionKey, string Id, string Type, byte[] Body, string? TraceParent = null);

/// <summary>Sends encoded events to their hubs with their partition keys. Implemented by Event Hubs in Azure and by the local host's in-process log.</summary>
public interface IEventPublisher
{
    /// <summary>Sends every event; events that share hub and partition key keep their order. Throws on transient failure.</summary>
    Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);
}
