using Store.Eventing.State;
using Store.Fulfillment.Events;
using Azure.Data.Tables;
using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Fulfillment.Functions;
using Store.TestSupport;

namespace Store.Fulfillment.Tests.Functions;

/// <summary>The Fulfillment app built with its own DI registration over Azurite, with a recording publisher.</summary>
public sealed class FulfillmentApp : IDisposable
{
    private readonly ServiceProvider _services;
    private long _sequence;

    public FulfillmentApp(AzuriteFixture azurite)
    {
        Table = azurite.NewTable("fulfillment");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StateStorage"] = azurite.ConnectionString,
            [FulfillmentRegistration.TableNameSetting] = Table.Name,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(Publisher);
        services.AddFulfillmentContext(configuration);
        _services = services.BuildServiceProvider();
        Functions = _services.GetRequiredService<FulfillmentFunctions>();
    }

    public RecordingPublisher Publisher { get; } = new();

    public FulfillmentFunctions Functions { get; }

    public TableClient Table { get; }

    /// <summary>Received events for the test events, with increasing sequence numbers.</summary>
    public EventData[] Batch(params TestEvent[] events) =>
        events.Select(e => EventBatches.Received(Samples.Body(e), Interlocked.Increment(ref _sequence), e.OrderId)).ToArray();

    /// <summary>Delivers a batch to the trigger of <paramref name="hub"/>.</summary>
    public Task<BatchOutcome> DeliverAsync(string hub, EventData[] batch, string partitionId = "0")
    {
        var context = EventBatches.FunctionContextFor(partitionId);
        return hub switch
        {
            "sales-orders" => Functions.OnSalesOrders(batch, context, CancellationToken.None),
            "inventory-stock" => Functions.OnInventoryStock(batch, context, CancellationToken.None),
            "payments" => Functions.OnPayments(batch, context, CancellationToken.None),
            _ => throw new ArgumentOutOfRangeException(nameof(hub), hub, null),
        };
    }

    /// <summary>Delivers each event on its own hub, grouping consecutive events of the same hub into one batch.</summary>
    public async Task DeliverInOrderAsync(IEnumerable<TestEvent> events)
    {
        foreach (var group in events.GroupBy(e => e.Hub))
        {
            await DeliverAsync(group.Key, Batch([.. group]));
        }
    }

    public IReadOnlyList<OutgoingEvent> Shipments => Publisher.To("fulfillment-shipments").Where(e => e.Type == FulfillmentEventTypes.ShipmentRequested).ToList();

    /// <summary>Fulfillment's answers to cancels: order-withdrawn and cancellation-rejected.</summary>
    public IReadOnlyList<OutgoingEvent> CancellationAnswers => Publisher.To("fulfillment-shipments").Where(e => e.Type != FulfillmentEventTypes.ShipmentRequested).ToList();

    public IReadOnlyList<OutgoingEvent> DeadLetters => Publisher.To("dead-letters");

    /// <summary>The stored state JSON of every entity, by row key.</summary>
    public async Task<Dictionary<string, string>> StatesAsync()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entity in Table.QueryAsync<TableEntity>())
        {
            // The kit's outbox bookkeeping (pending markers and the relay's partition index) is not order state.
            if (entity.PartitionKey == OutboxMarkers.IndexPartition || OutboxMarkers.IsMarker(entity.RowKey))
            {
                continue;
            }

            result[entity.PartitionKey + "/" + entity.RowKey] = entity.GetString("State");
        }

        return result;
    }

    public void Dispose() => _services.Dispose();
}
