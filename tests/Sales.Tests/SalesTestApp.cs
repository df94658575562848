using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;
using Store.Sales.Functions;

namespace Store.Sales.Tests;

/// <summary>A fixed clock for tests.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Sales' app for tests: the shared <see cref="TestApp"/> on a unique table in the shared Azurite, with a fixed clock.</summary>
public static class SalesTestApp
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    public static TestApp Create(AzuriteFixture azurite) => new(SalesRegistration.AddSalesContext, azurite.ConnectionString,
        new Dictionary<string, string?> { [SalesRegistration.OrdersTableSetting] = azurite.NewTable("salesorders").Name }, new FixedTime(T0));

    public static FixedTime Clock(this TestApp app) => (FixedTime)app.Get<TimeProvider>();

    public static IReadOnlyList<OutgoingEvent> SalesEvents(this TestApp app) => app.Publisher.To("sales-orders");

    /// <summary>The published Sales events of record <typeparamref name="T"/>'s type.</summary>
    public static IEnumerable<OutgoingEvent> SalesEvents<T>(this TestApp app) => app.SalesEvents().Where(e => e.Type == CloudEventTypeAttribute.Of<T>());

    public static async Task<InMemoryHttpResponse> PlaceAsync(this TestApp app, string? json) =>
        (InMemoryHttpResponse)await app.Get<PlaceOrderFunction>().Run(TestApp.Request("Sales_PlaceOrder", "POST", "/api/orders", json), CancellationToken.None);

    public static async Task<InMemoryHttpResponse> CancelAsync(this TestApp app, string id, string? json = null) =>
        (InMemoryHttpResponse)await app.Get<CancelOrderFunction>().Run(
            TestApp.Request("Sales_CancelOrder", "POST", $"/api/orders/{Uri.EscapeDataString(id)}/cancel", json), id, CancellationToken.None);

    public static Task<BatchOutcome> DeliverShipmentsAsync(this TestApp app, EventData[] batch, string partitionId = "0") =>
        app.DeliverAsync("fulfillment-shipments", batch, partitionId);

    public static byte[] OrderWithdrawn(this TestApp app, string orderId) =>
        EventBatches.CloudEvent(app.Codec, CloudEventTypeAttribute.Of<OrderWithdrawn>(), "withdrawn-event-" + orderId, orderId, new OrderWithdrawn(orderId, "cust-1", "changed my mind"));

    public static byte[] CancellationRejected(this TestApp app, string orderId) =>
        EventBatches.CloudEvent(app.Codec, CloudEventTypeAttribute.Of<CancellationRejected>(), "rejected-event-" + orderId, orderId, new CancellationRejected(orderId, "cust-1", "shp-" + orderId, "already-shipped"));

    /// <summary>A shipment-requested body for <paramref name="orderId"/>; its id is stable per order so redelivery is realistic.</summary>
    public static byte[] ShipmentRequested(this TestApp app, string orderId, string? shipmentId = null) =>
        EventBatches.CloudEvent(app.Codec, CloudEventTypeAttribute.Of<ShipmentRequested>(), "shipment-event-" + orderId, orderId,
            new ShipmentRequested(shipmentId ?? "shp-" + orderId, orderId, "cust-1", [new OrderLine("SKU-1", 1, 10m)], 10m, "EUR"));

    public static Task<StateRecord<OrderState>?> ReadAsync(this TestApp app, string orderId) =>
        app.Get<TableStateStore<OrderState>>().GetAsync(orderId, OrderKeys.RowKey, CancellationToken.None);

    public static string OrderJson(string orderId, string customerId = "cust-1", string currency = "EUR", string lines = """[{"sku":"SKU-1","quantity":2,"unitPrice":10.25},{"sku":"SKU-2","quantity":1,"unitPrice":5}]""") =>
        $$"""{"orderId":"{{orderId}}","customerId":"{{customerId}}","lines":{{lines}},"currency":"{{currency}}"}""";

    public static string NewOrderId() => "ord-" + Guid.NewGuid().ToString("N")[..12];
}
