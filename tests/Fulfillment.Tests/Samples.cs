using System.Text;
using Azure.Messaging.EventHubs;
using Store.Eventing.DeadLetters;
using Store.Eventing.Processing;
using Store.Eventing.State;

namespace Store.Fulfillment.Tests;

/// <summary>An input event as the tests build it: envelope facts, data and the hub it arrives on.</summary>
public sealed record TestEvent(string Hub, string Type, string OrderId, EventMeta Meta, object Data)
{
    public override string ToString() => Type;
}

/// <summary>Sample events of one order and helpers to run them through the real codec and decider.</summary>
public static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public const string Trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /// <summary>The codec exactly as the app registers it.</summary>
    public static CloudEventCodec Codec { get; } = new TestApp(FulfillmentRegistration.AddFulfillmentContext, "UseDevelopmentStorage=true").Codec;

    public static readonly ShippingAddress Address = new("Ann Example", "Main Street 1", null, "Bonn", "53111", "DE");

    public static TestEvent Placed(string orderId, int minute = 0, string customerId = "c-1", ShippingAddress? address = null) => new(
        "sales-orders", CloudEventTypeAttribute.Of<OrderPlaced>(), orderId, new EventMeta($"{orderId}-placed", T0.AddMinutes(minute), Trace),
        new OrderPlaced(orderId, customerId, [new OrderLine("sku-a", 2, 10.50m), new OrderLine("sku-b", 1, 4m)], 25.00m, "EUR", address));

    /// <summary>The same order as the Sales of before v2 published it (<c>sales.order-placed.v1</c>, no address).</summary>
    public static TestEvent PlacedV1(string orderId, int minute = 0, string customerId = "c-1") => new(
        "sales-orders", CloudEventTypeAttribute.Of<OrderPlacedV1>(), orderId, new EventMeta($"{orderId}-placed", T0.AddMinutes(minute), Trace),
        new OrderPlacedV1(orderId, customerId, [new OrderLine("sku-a", 2, 10.50m), new OrderLine("sku-b", 1, 4m)], 25.00m, "EUR"));

    public static TestEvent Reserved(string orderId, int minute = 1, string customerId = "c-1") => new(
        "inventory-stock", CloudEventTypeAttribute.Of<StockReserved>(), orderId, new EventMeta($"{orderId}-reserved", T0.AddMinutes(minute), "00-11111111111111111111111111111111-2222222222222222-01"),
        new StockReserved(orderId, customerId, [new ReservedLine("sku-a", 2), new ReservedLine("sku-b", 1)]));

    public static TestEvent Authorized(string orderId, int minute = 2, string customerId = "c-1") => new(
        "payments", CloudEventTypeAttribute.Of<PaymentAuthorized>(), orderId, new EventMeta($"{orderId}-authorized", T0.AddMinutes(minute), "00-33333333333333333333333333333333-4444444444444444-01"),
        new PaymentAuthorized(orderId, customerId, 25.00m, "EUR"));

    public static TestEvent Declined(string orderId, int minute = 2, string customerId = "c-1") => new(
        "payments", CloudEventTypeAttribute.Of<PaymentDeclined>(), orderId, new EventMeta($"{orderId}-declined", T0.AddMinutes(minute), null),
        new PaymentDeclined(orderId, customerId, 25.00m, "EUR", "limit-exceeded"));

    public static TestEvent Cancelled(string orderId, int minute = 3, string customerId = "c-1") => new(
        "sales-orders", CloudEventTypeAttribute.Of<OrderCancelled>(), orderId, new EventMeta($"{orderId}-cancelled", T0.AddMinutes(minute), null),
        new OrderCancelled(orderId, customerId, "changed my mind"));

    /// <summary>The CloudEvents body of a test event.</summary>
    public static byte[] Body(TestEvent e) => Codec.Encode(new CloudEventHeader(e.Meta.Id, e.Type, "/tests", e.OrderId, e.Meta.Time, e.Meta.TraceParent), e.Data);

    /// <summary>The test event as the batch handler hands it to the decider.</summary>
    public static InboundEvent Inbound(TestEvent e, long sequenceNumber = 1)
    {
        var body = Body(e);
        var decoded = Codec.Decode(body).Event ?? throw new InvalidOperationException("Sample does not decode.");
        var position = new EventPosition(e.Hub, "0", sequenceNumber, sequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), T0);
        return new InboundEvent(decoded, position, new RawEvent(body, new Dictionary<string, object>(), e.Hub, "0", position.Offset, sequenceNumber, T0));
    }

    /// <summary>What Fulfillment emits on <paramref name="input"/> from <paramref name="state"/>, encoded by the kit as it publishes it.</summary>
    public static IReadOnlyList<OutgoingEvent> Emitted(FulfillmentDecider decider, FulfillmentOrder state, InboundEvent input) =>
        [.. Outputs.Encode(decider.Decide(state, input).Outputs, input)];

    private static readonly OutputEncoder Outputs = new(Codec, "Fulfillment");

    public static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}

/// <summary>Fulfillment's app for tests: the shared <see cref="TestApp"/> over a fresh table, with Fulfillment's sample events and outputs.</summary>
public static class FulfillmentTestApp
{
    public static TestApp Create(AzuriteFixture azurite) => new(FulfillmentRegistration.AddFulfillmentContext, azurite.ConnectionString,
        new Dictionary<string, string?> { [FulfillmentRegistration.TableNameSetting] = azurite.NewTable("fulfillment").Name });

    public static EventData[] Batch(this TestApp app, params TestEvent[] events) => app.Batch([.. events.Select(e => (Samples.Body(e), (string?)e.OrderId))]);

    /// <summary>Delivers each event on its own hub, grouping the events of the same hub into one batch.</summary>
    public static Task DeliverInOrderAsync(this TestApp app, IEnumerable<TestEvent> events) =>
        app.DeliverInOrderAsync(events.GroupBy(e => e.Hub).SelectMany(g => g).Select(e => (e.Hub, Samples.Body(e), (string?)e.OrderId)));

    public static IReadOnlyList<OutgoingEvent> Shipments(this TestApp app) =>
        app.Publisher.To("fulfillment-shipments").Where(e => e.Type == CloudEventTypeAttribute.Of<ShipmentRequested>()).ToList();

    /// <summary>Fulfillment's answers to cancels: order-withdrawn and cancellation-rejected.</summary>
    public static IReadOnlyList<OutgoingEvent> CancellationAnswers(this TestApp app) =>
        app.Publisher.To("fulfillment-shipments").Where(e => e.Type != CloudEventTypeAttribute.Of<ShipmentRequested>()).ToList();

    public static Task<Dictionary<string, string>> StatesAsync(this TestApp app) => TestApp.StatesAsync(app.Get<TableStateStore<FulfillmentOrder>>().Table);
}
