using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.CloudEvents;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;
using Store.Inventory.Events;
using Store.Inventory.Functions;
using Store.Inventory.State;
using Store.TestSupport;

namespace Store.Inventory.Tests.Functions;

/// <summary>Inventory built with its own DI registration against Azurite (unique tables) and a recording publisher.</summary>
internal sealed class InventoryApp : IDisposable
{
    private readonly ServiceProvider _services;
    private long _sequence;

    private InventoryApp(ServiceProvider services, RecordingPublisher publisher, string stockTable, string receiptsTable)
    {
        _services = services;
        Publisher = publisher;
        StockTable = stockTable;
        ReceiptsTable = receiptsTable;
    }

    public RecordingPublisher Publisher { get; }

    public string StockTable { get; }

    public string ReceiptsTable { get; }

    public StockEventFunctions Events => _services.GetRequiredService<StockEventFunctions>();

    public StockFunctions Http => _services.GetRequiredService<StockFunctions>();

    public CloudEventCodec Codec => _services.GetRequiredService<CloudEventCodec>();

    public TableStateStore<StockRow> Store => _services.GetRequiredService<TableStateStore<StockRow>>();

    /// <summary>A fresh app on fresh tables.</summary>
    public static InventoryApp Create(AzuriteFixture azurite) =>
        Create(azurite, azurite.NewTable("invstock").Name, azurite.NewTable("invrcpt").Name);

    /// <summary>A new process (empty caches) over existing tables.</summary>
    public static InventoryApp Create(AzuriteFixture azurite, string stockTable, string receiptsTable, Azure.Data.Tables.TableClientOptions? tableOptions = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StateStorage"] = azurite.ConnectionString,
            ["Inventory:StockTable"] = stockTable,
            ["Inventory:ReceiptsTable"] = receiptsTable,
        }).Build();
        var publisher = new RecordingPublisher();
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(publisher);
        services.AddInventoryContext(configuration);
        if (tableOptions is not null)
        {
            // E.g. the Azure Tables model (tests/TestSupport/AzureTablesModel.cs) in front of Azurite as the transport.
            services.AddSingleton(new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString, tableOptions));
        }

        return new InventoryApp(services.BuildServiceProvider(), publisher, stockTable, receiptsTable);
    }

    /// <summary>A new process over this app's tables.</summary>
    public InventoryApp Restarted(AzuriteFixture azurite) => Create(azurite, StockTable, ReceiptsTable);

    /// <summary>An input event body with a deterministic id.</summary>
    public byte[] Body<T>(string type, string id, string subject, T data) => EventBatches.CloudEvent(Codec, type, id, subject, data);

    public EventData Received(byte[] body) => EventBatches.Received(body, Interlocked.Increment(ref _sequence));

    public EventData Placed(OrderPlaced o, string? id = null) => Received(Body(InventoryEventTypes.OrderPlaced, id ?? "placed-" + o.OrderId, o.OrderId, o));

    public EventData Withdrawn(OrderWithdrawn o) => Received(Body(InventoryEventTypes.OrderWithdrawn, "withdrawn-" + o.OrderId, o.OrderId, o));

    /// <summary>A customer's cancel (sales.order-cancelled.v1): a request Inventory no longer acts on.</summary>
    public EventData CancelRequested(string orderId) => Received(System.Text.Encoding.UTF8.GetBytes(
        $$$"""{"specversion":"1.0","id":"cancelled-{{{orderId}}}","source":"/store/sales","type":"sales.order-cancelled.v1","subject":"{{{orderId}}}","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","data":{"orderId":"{{{orderId}}}","customerId":"cust-{{{orderId}}}"}}"""));

    public EventData Declined(PaymentDeclined p) => Received(Body(InventoryEventTypes.PaymentDeclined, "declined-" + p.OrderId, p.OrderId, p));

    public EventData Shipped(ShipmentRequested s) => Received(Body(InventoryEventTypes.ShipmentRequested, "shipped-" + s.OrderId, s.OrderId, s));

    public EventData Stock(StockReceived r) => Received(Body(InventoryEventTypes.StockReceived, ReceiptIngress.EventIdOf(r.ReceiptId), r.Sku, r));

    public Task<BatchOutcome> OnSalesOrders(string partition, params EventData[] events) =>
        Events.OnSalesOrders(events, EventBatches.FunctionContextFor(partition), CancellationToken.None);

    public Task<BatchOutcome> OnPayments(string partition, params EventData[] events) =>
        Events.OnPayments(events, EventBatches.FunctionContextFor(partition), CancellationToken.None);

    public Task<BatchOutcome> OnShipments(string partition, params EventData[] events) =>
        Events.OnFulfillmentShipments(events, EventBatches.FunctionContextFor(partition), CancellationToken.None);

    public Task<BatchOutcome> OnStock(string partition, params EventData[] events) =>
        Events.OnInventoryStock(events, EventBatches.FunctionContextFor(partition), CancellationToken.None);

    /// <summary>Every row of the stock partition.</summary>
    public async Task<Dictionary<string, StateRecord<StockRow>>> RowsAsync() =>
        (await Store.ReadPartitionAsync(StockKeys.Partition, CancellationToken.None)).ToDictionary(r => r.Key.RowKey, StringComparer.Ordinal);

    public async Task<SkuStock?> SkuAsync(string sku) =>
        (await Store.GetAsync(StockKeys.Partition, StockKeys.Sku(sku), CancellationToken.None))?.State?.Sku;

    public async Task<OrderReservation?> OrderAsync(string orderId) =>
        (await Store.GetAsync(StockKeys.Partition, StockKeys.Order(orderId), CancellationToken.None))?.State?.Order;

    /// <summary>Published events of one type, decoded (this validates them against their schemas).</summary>
    public IReadOnlyList<T> PublishedData<T>(string type) =>
        Publisher.To("inventory-stock").Where(e => e.Type == type).Select(e => (T)Codec.Decode(e.Body).Event!.Data).ToArray();

    public void Dispose() => _services.Dispose();
}
