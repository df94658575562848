using System.Text;
using Azure.Messaging.EventHubs;
using Store.Eventing.State;
using Store.Tracking.Functions;

namespace Store.Tracking.Tests;

/// <summary>An input event as the tests build it: the hub it arrives on, envelope facts and data.</summary>
public sealed record TestEvent(string Hub, string Type, string OrderId, string Id, DateTimeOffset Time, object Data)
{
    public override string ToString() => Type;
}

/// <summary>Sample events of one order and the codec exactly as the app registers it.</summary>
public static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static CloudEventCodec Codec { get; } = new TestApp(TrackingRegistration.AddTrackingContext, "UseDevelopmentStorage=true").Codec;

    public static TestEvent Placed(string orderId, int minute = 0) => new("sales-orders", CloudEventTypeAttribute.Of<OrderPlaced>(), orderId, orderId + "-placed", T0.AddMinutes(minute),
        new OrderPlaced(orderId, "c-1", [new OrderLine("sku-a", 2, 10.50m), new OrderLine("sku-b", 1, 4m)], 25.00m, "EUR"));

    public static TestEvent Cancelled(string orderId, int minute = 5) => new("sales-orders", CloudEventTypeAttribute.Of<OrderCancelled>(), orderId, orderId + "-cancelled", T0.AddMinutes(minute),
        new OrderCancelled(orderId, "c-1", "changed my mind"));

    public static TestEvent Reserved(string orderId, int minute = 1) => new("inventory-stock", CloudEventTypeAttribute.Of<StockReserved>(), orderId, orderId + "-reserved", T0.AddMinutes(minute),
        new StockReserved(orderId, "c-1", [new StockLine("sku-a", 2), new StockLine("sku-b", 1)]));

    public static TestEvent Rejected(string orderId, int minute = 1) => new("inventory-stock", CloudEventTypeAttribute.Of<StockReservationRejected>(), orderId, orderId + "-rejected", T0.AddMinutes(minute),
        new StockReservationRejected(orderId, "c-1", [new ShortLine("sku-a", 2, 1)]));

    public static TestEvent Released(string orderId, int minute = 6, string reason = "order-cancelled") => new("inventory-stock", CloudEventTypeAttribute.Of<StockReleased>(), orderId, orderId + "-released", T0.AddMinutes(minute),
        new StockReleased(orderId, [new StockLine("sku-a", 2)], reason, "c-1"));

    public static TestEvent Authorized(string orderId, int minute = 1) => new("payments", CloudEventTypeAttribute.Of<PaymentAuthorized>(), orderId, orderId + "-authorized", T0.AddMinutes(minute),
        new PaymentAuthorized(orderId, "c-1", 25.00m, "EUR"));

    public static TestEvent Declined(string orderId, int minute = 1) => new("payments", CloudEventTypeAttribute.Of<PaymentDeclined>(), orderId, orderId + "-declined", T0.AddMinutes(minute),
        new PaymentDeclined(orderId, "c-1", 25.00m, "EUR", "limit-exceeded"));

    public static TestEvent Shipped(string orderId, int minute = 2) => new("fulfillment-shipments", CloudEventTypeAttribute.Of<ShipmentRequested>(), orderId, orderId + "-shipment", T0.AddMinutes(minute),
        new ShipmentRequested("ship-" + orderId, orderId, "c-1", [new ShipmentLine("sku-a", 2, 10.50m)], 25.00m, "EUR"));

    public static TestEvent Withdrawn(string orderId, int minute = 5) => new("fulfillment-shipments", CloudEventTypeAttribute.Of<OrderWithdrawn>(), orderId, orderId + "-withdrawn", T0.AddMinutes(minute),
        new OrderWithdrawn(orderId, "c-1", "changed my mind"));

    public static TestEvent CancellationRejected(string orderId, int minute = 5) => new("fulfillment-shipments", CloudEventTypeAttribute.Of<CancellationRejected>(), orderId, orderId + "-cancellation-rejected", T0.AddMinutes(minute),
        new CancellationRejected(orderId, "c-1", "ship-" + orderId, "already-shipped"));

    /// <summary>The CloudEvents body of a test event.</summary>
    /// <summary>
    /// The CloudEvents body of a test event; an order-placed goes as an archived v1 (Tracking's v2 record binds no address,
    /// which v2 requires), which the app upcasts to <see cref="OrderPlaced"/>.
    /// </summary>
    public static byte[] Body(TestEvent e) => e.Data is OrderPlaced p
        ? Codec.Encode(new CloudEventHeader(e.Id, CloudEventTypeAttribute.Of<OrderPlacedV1>(), "/tests", e.OrderId, e.Time), new OrderPlacedV1(p.OrderId, p.CustomerId, p.Lines, p.Total, p.Currency))
        : Codec.Encode(new CloudEventHeader(e.Id, e.Type, "/tests", e.OrderId, e.Time), e.Data);

    public static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}

/// <summary>Tracking's app for tests: the shared <see cref="TestApp"/> over a fresh table, with Tracking's sample events and query.</summary>
public static class TrackingTestApp
{
    public static TestApp Create(AzuriteFixture azurite) => new(TrackingRegistration.AddTrackingContext, azurite.ConnectionString,
        new Dictionary<string, string?> { [TrackingRegistration.TableNameSetting] = azurite.NewTable("tracking").Name });

    public static EventData[] Batch(this TestApp app, params TestEvent[] events) => app.Batch([.. events.Select(e => (Samples.Body(e), (string?)e.OrderId))]);

    public static Task DeliverInOrderAsync(this TestApp app, IEnumerable<TestEvent> events) =>
        app.DeliverInOrderAsync(events.Select(e => (e.Hub, Samples.Body(e), (string?)e.OrderId)));

    public static Task<Dictionary<string, string>> StatesAsync(this TestApp app) => TestApp.StatesAsync(app.Get<TableStateStore<TrackedOrder>>().Table);

    /// <summary>Calls GET /api/orders/{id}.</summary>
    public static async Task<(int Status, string ContentType, string Body)> GetAsync(this TestApp app, string id)
    {
        var request = TestApp.Request("Tracking_GetOrder", "GET", "/api/orders/" + Uri.EscapeDataString(id));
        var response = (InMemoryHttpResponse)await app.Get<OrderQueryFunctions>().GetOrder(request, id, CancellationToken.None);
        var contentType = response.Headers.TryGetValues("Content-Type", out var values) ? string.Join(",", values) : "";
        return ((int)response.StatusCode, contentType, response.ReadBody());
    }
}
