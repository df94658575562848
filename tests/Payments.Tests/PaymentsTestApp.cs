using Azure.Messaging.EventHubs;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;

namespace Store.Payments.Tests;

/// <summary>Payments' app for tests: the shared <see cref="TestApp"/> (stateless: the storage setting is never used).</summary>
public static class PaymentsTestApp
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    public static TestApp Create(IDictionary<string, string?>? settings = null) => new(PaymentsRegistration.AddPaymentsContext, "UseDevelopmentStorage=true", settings);

    public static IReadOnlyList<OutgoingEvent> PaymentEvents(this TestApp app) => app.Publisher.To("payments");

    public static Task<BatchOutcome> DeliverOrdersAsync(this TestApp app, EventData[] batch, string partitionId = "0") => app.DeliverAsync("sales-orders", batch, partitionId);

    /// <summary>An archived <c>sales.order-placed.v1</c> (Payments' v2 record binds no address, which v2 requires); the app reads it as v2.</summary>
    public static byte[] OrderPlaced(this TestApp app, string orderId, decimal total, string currency = "EUR", string? traceParent = null) =>
        app.Codec.Encode(new CloudEventHeader("placed-" + orderId, CloudEventTypeAttribute.Of<OrderPlacedV1>(), "/store/sales", orderId, T0, traceParent),
            new OrderPlacedV1(orderId, "cust-1", [new OrderLine("SKU-1", 1, total)], total, currency));
}
