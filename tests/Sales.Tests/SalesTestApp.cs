using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.CloudEvents;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;
using Store.Sales.Events;
using Store.Sales.Functions;
using Store.Sales.State;
using Store.TestSupport;

namespace Store.Sales.Tests;

/// <summary>A fixed clock for tests.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The Sales app as the local host builds it (<see cref="SalesRegistration.AddSalesContext"/>), on a unique table in the
/// shared Azurite, with a recording publisher and a fixed clock.
/// </summary>
public sealed class SalesTestHost : IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public SalesTestHost(AzuriteFixture azurite)
    {
        TableName = azurite.NewTable("salesorders").Name;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["StateStorage"] = azurite.ConnectionString,
                [SalesRegistration.OrdersTableSetting] = TableName,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(Publisher);
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSalesContext(configuration);
        _services = services.BuildServiceProvider();
        Place = ActivatorUtilities.CreateInstance<PlaceOrderFunction>(_services);
        Cancel = ActivatorUtilities.CreateInstance<CancelOrderFunction>(_services);
        Shipments = ActivatorUtilities.CreateInstance<OnFulfillmentShipmentsFunction>(_services);
    }

    public string TableName { get; }

    public RecordingPublisher Publisher { get; } = new();

    public FixedTime Clock { get; } = new(T0);

    public PlaceOrderFunction Place { get; }

    public CancelOrderFunction Cancel { get; }

    public OnFulfillmentShipmentsFunction Shipments { get; }

    public CloudEventCodec Codec => _services.GetRequiredService<CloudEventCodec>();

    public TableStateStore<OrderState> Store => _services.GetRequiredService<TableStateStore<OrderState>>();

    public IReadOnlyList<OutgoingEvent> SalesEvents => Publisher.To("sales-orders");

    public IReadOnlyList<OutgoingEvent> DeadLetters => Publisher.To("dead-letters");

    public async Task<InMemoryHttpResponse> PlaceAsync(string? json)
    {
        var req = InMemoryHttpRequest.Json(EventBatches.FunctionContextFor("0", "Sales_PlaceOrder"), "POST", "/api/orders", json);
        return (InMemoryHttpResponse)await Place.Run(req, CancellationToken.None);
    }

    public async Task<InMemoryHttpResponse> CancelAsync(string id, string? json = null)
    {
        var req = InMemoryHttpRequest.Json(EventBatches.FunctionContextFor("0", "Sales_CancelOrder"), "POST", $"/api/orders/{Uri.EscapeDataString(id)}/cancel", json);
        return (InMemoryHttpResponse)await Cancel.Run(req, id, CancellationToken.None);
    }

    public Task<BatchOutcome> DeliverShipmentsAsync(EventData[] batch, string partitionId = "0") =>
        Shipments.Run(batch, EventBatches.FunctionContextFor(partitionId, "Sales_OnFulfillmentShipments"), CancellationToken.None);

    /// <summary>A shipment-requested body for <paramref name="orderId"/>; its id is stable per order so redelivery is realistic.</summary>
    public byte[] OrderWithdrawn(string orderId) =>
        EventBatches.CloudEvent(Codec, SalesEventTypes.OrderWithdrawn, "withdrawn-event-" + orderId, orderId, new OrderWithdrawn(orderId, "cust-1", "changed my mind"));

    public byte[] CancellationRejected(string orderId) =>
        EventBatches.CloudEvent(Codec, SalesEventTypes.CancellationRejected, "rejected-event-" + orderId, orderId, new CancellationRejected(orderId, "cust-1", "shp-" + orderId, "already-shipped"));

    public byte[] ShipmentRequested(string orderId, string? shipmentId = null) =>
        EventBatches.CloudEvent(
            Codec,
            SalesEventTypes.ShipmentRequested,
            "shipment-event-" + orderId,
            orderId,
            new ShipmentRequested(shipmentId ?? "shp-" + orderId, orderId, "cust-1", [new OrderLine("SKU-1", 1, 10m)], 10m, "EUR"));

    public async Task<StateRecord<OrderState>?> ReadAsync(string orderId) => await Store.GetAsync(orderId, OrderKeys.RowKey, CancellationToken.None);

    public static string OrderJson(string orderId, string customerId = "cust-1", string currency = "EUR", string lines = """[{"sku":"SKU-1","quantity":2,"unitPrice":10.25},{"sku":"SKU-2","quantity":1,"unitPrice":5}]""") =>
        $$"""{"orderId":"{{orderId}}","customerId":"{{customerId}}","lines":{{lines}},"currency":"{{currency}}"}""";

    public static string NewOrderId() => "ord-" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => _services.Dispose();
}
