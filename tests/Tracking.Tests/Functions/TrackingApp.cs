using Azure.Data.Tables;
using Azure.Messaging.EventHubs;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.TestSupport;
using Store.Tracking.Functions;

namespace Store.Tracking.Tests.Functions;

/// <summary>The Tracking app built with its own DI registration over Azurite, with a recording publisher.</summary>
public sealed class TrackingApp : IDisposable
{
    private readonly ServiceProvider _services;
    private long _sequence;

    public TrackingApp(AzuriteFixture azurite)
    {
        Table = azurite.NewTable("tracking");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StateStorage"] = azurite.ConnectionString,
            [TrackingRegistration.TableNameSetting] = Table.Name,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(Publisher);
        services.AddTrackingContext(configuration);
        _services = services.BuildServiceProvider();
        Functions = _services.GetRequiredService<TrackingFunctions>();
        Query = _services.GetRequiredService<OrderQueryFunctions>();
    }

    public RecordingPublisher Publisher { get; } = new();

    public TrackingFunctions Functions { get; }

    public OrderQueryFunctions Query { get; }

    public TableClient Table { get; }

    public IReadOnlyList<OutgoingEvent> DeadLetters => Publisher.To("dead-letters");

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
            "fulfillment-shipments" => Functions.OnFulfillmentShipments(batch, context, CancellationToken.None),
            _ => throw new ArgumentOutOfRangeException(nameof(hub), hub, null),
        };
    }

    /// <summary>Delivers the events in the given order, one batch per run of consecutive events on the same hub.</summary>
    public async Task DeliverInOrderAsync(IEnumerable<TestEvent> events)
    {
        var run = new List<TestEvent>();
        foreach (var e in events)
        {
            if (run.Count > 0 && run[0].Hub != e.Hub)
            {
                await DeliverAsync(run[0].Hub, Batch([.. run]));
                run.Clear();
            }

            run.Add(e);
        }

        if (run.Count > 0)
        {
            await DeliverAsync(run[0].Hub, Batch([.. run]));
        }
    }

    /// <summary>Calls GET /api/orders/{id}.</summary>
    public async Task<(int Status, string ContentType, string Body)> GetAsync(string id)
    {
        var context = EventBatches.FunctionContextFor("0", "Tracking_GetOrder");
        var request = InMemoryHttpRequest.Json(context, "GET", "/api/orders/" + Uri.EscapeDataString(id), null);
        var response = (InMemoryHttpResponse)await Query.GetOrder(request, id, CancellationToken.None);
        var contentType = response.Headers.TryGetValues("Content-Type", out var values) ? string.Join(",", values) : "";
        return ((int)response.StatusCode, contentType, response.ReadBody());
    }

    /// <summary>The stored state JSON of every entity, by key.</summary>
    public async Task<Dictionary<string, string>> StatesAsync()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entity in Table.QueryAsync<TableEntity>())
        {
            result[entity.PartitionKey + "/" + entity.RowKey] = entity.GetString("State");
        }

        return result;
    }

    public void Dispose() => _services.Dispose();
}
