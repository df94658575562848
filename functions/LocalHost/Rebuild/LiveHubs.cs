using Azure.Messaging.EventHubs.Consumer;

namespace Store.LocalHost.Rebuild;

/// <summary>
/// What the Azure rebuild asks the live Event Hubs: a hub's partition ids and where each partition's live log begins.
/// The one boundary to the Event Hubs SDK (tests substitute it with Moq; everything else runs against real storage).
/// </summary>
public interface ILiveHubs
{
    /// <summary>The hub's partition ids (<see cref="EventHubConsumerClient.GetPartitionIdsAsync"/>).</summary>
    Task<string[]> GetPartitionIdsAsync(string fullyQualifiedNamespace, string hub, CancellationToken ct);

    /// <summary>The partition's live range (<see cref="EventHubConsumerClient.GetPartitionPropertiesAsync"/>).</summary>
    Task<PartitionProperties> GetPartitionPropertiesAsync(string fullyQualifiedNamespace, string hub, string partitionId, CancellationToken ct);
}

/// <summary>
/// <see cref="ILiveHubs"/> over <see cref="EventHubConsumerClient"/> with an Entra ID credential (the namespaces allow no
/// keys). The caller needs the Azure Event Hubs Data Receiver role on the hubs; the <c>$Default</c> group is only used to
/// open the client (reading metadata does not read events).
/// </summary>
public sealed class EventHubsLiveHubs(TokenCredential credential) : ILiveHubs, IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Namespace, string Hub), EventHubConsumerClient> _clients = new();

    /// <inheritdoc />
    public Task<string[]> GetPartitionIdsAsync(string fullyQualifiedNamespace, string hub, CancellationToken ct) =>
        Client(fullyQualifiedNamespace, hub).GetPartitionIdsAsync(ct);

    /// <inheritdoc />
    public Task<PartitionProperties> GetPartitionPropertiesAsync(string fullyQualifiedNamespace, string hub, string partitionId, CancellationToken ct) =>
        Client(fullyQualifiedNamespace, hub).GetPartitionPropertiesAsync(partitionId, ct);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private EventHubConsumerClient Client(string fullyQualifiedNamespace, string hub) =>
        _clients.GetOrAdd((fullyQualifiedNamespace, hub), key =>
            new EventHubConsumerClient(EventHubConsumerClient.DefaultConsumerGroupName, key.Namespace, key.Hub, credential));
}
