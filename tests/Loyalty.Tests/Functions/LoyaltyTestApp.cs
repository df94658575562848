using Azure.Data.Tables;
using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.CloudEvents;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;
using Store.Loyalty.Events;
using Store.Loyalty.Functions;
using Store.Loyalty.State;
using Store.TestSupport;

namespace Store.Loyalty.Tests.Functions;

/// <summary>One Loyalty app over its own Azurite table, built with the app's own DI registration and a recording publisher.</summary>
public sealed class LoyaltyApp : IDisposable
{
    private readonly ServiceProvider _services;

    private LoyaltyApp(AzuriteFixture azurite)
    {
        TableName = azurite.NewTable("loyalty").Name;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StateStorage"] = azurite.ConnectionString,
            [LoyaltyRegistration.TableNameSetting] = TableName,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(Publisher);
        services.AddLoyaltyContext(configuration);
        _services = services.BuildServiceProvider();
        Codec = _services.GetRequiredService<CloudEventCodec>();
        Triggers = _services.GetRequiredService<LoyaltyFunctions>();
        Query = _services.GetRequiredService<LoyaltyQueryFunctions>();
        Store = _services.GetRequiredService<TableStateStore<CustomerLoyalty>>();
    }

    public string TableName { get; }

    public RecordingPublisher Publisher { get; } = new();

    public CloudEventCodec Codec { get; }

    public LoyaltyFunctions Triggers { get; }

    public LoyaltyQueryFunctions Query { get; }

    public TableStateStore<CustomerLoyalty> Store { get; }

    /// <summary>A customer's state; null when Loyalty has never seen the customer.</summary>
    public Task<CustomerLoyalty?> FindAsync(string customerId) => Store.FindAsync(LoyaltyProjection.KeyOf(customerId), CancellationToken.None);

    public static LoyaltyApp Create(AzuriteFixture azurite) => new(azurite);

    public Task<BatchOutcome> SalesOrders(EventData[] events, string partition = "0") =>
        Triggers.OnSalesOrders(events, EventBatches.FunctionContextFor(partition), CancellationToken.None);

    public Task<BatchOutcome> Shipments(EventData[] events, string partition = "0") =>
        Triggers.OnFulfillmentShipments(events, EventBatches.FunctionContextFor(partition), CancellationToken.None);

    public Task<BatchOutcome> Deliver(string hub, EventData[] events, string partition) =>
        hub == "sales-orders" ? SalesOrders(events, partition) : Shipments(events, partition);

    /// <summary>Every customer entity's state.</summary>
    public async Task<Dictionary<string, CustomerLoyalty>> CustomersAsync()
    {
        var result = new Dictionary<string, CustomerLoyalty>(StringComparer.Ordinal);
        foreach (var bucket in Enumerable.Range(0, 16).Select(i => i.ToString("x1", System.Globalization.CultureInfo.InvariantCulture)))
        {
            foreach (var record in await Store.ReadPartitionAsync(bucket, CancellationToken.None))
            {
                result[record.State!.CustomerId] = record.State;
            }
        }

        return result;
    }

    public async Task<TableEntity?> EntityAsync(string customerId)
    {
        var key = LoyaltyProjection.KeyOf(customerId);
        var response = await Store.Table.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey);
        return response.HasValue ? response.Value : null;
    }

    public byte[] OrderPlaced(string id, string orderId, string customerId, decimal total, DateTimeOffset? time = null) =>
        EventBatches.CloudEvent(Codec, LoyaltyEventTypes.OrderPlaced, id, orderId,
            new OrderPlaced(orderId, customerId, [new OrderLine("SKU-1", 1, total)], total, "EUR"), time);

    public byte[] ShipmentRequested(string id, string orderId, string customerId, decimal? total, DateTimeOffset? time = null) =>
        EventBatches.CloudEvent(Codec, LoyaltyEventTypes.ShipmentRequested, id, orderId,
            new ShipmentRequested("s-" + orderId, orderId, customerId, [new OrderLine("SKU-1", 1, total ?? 1m)], total, total is null ? null : "EUR"), time);

    public void Dispose() => _services.Dispose();
}
