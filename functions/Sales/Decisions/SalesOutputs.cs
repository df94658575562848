using Store.Eventing.CloudEvents;
using Store.Eventing.Publishing;
using Store.Sales.Events;

namespace Store.Sales.Decisions;

/// <summary>
/// Encodes Sales' output events. Ids are derived from the order id and the event's role, so there is at most one
/// order-placed and one order-cancelled id per order, whatever the number of retries.
/// </summary>
public static class SalesOutputs
{
    /// <summary>The id of an order's order-placed event.</summary>
    public static string PlacedId(string orderId) => EventIds.Derive("sales/orders/" + orderId, "order-placed");

    /// <summary>The id of an order's order-cancelled event.</summary>
    public static string CancelledId(string orderId) => EventIds.Derive("sales/orders/" + orderId, "order-cancelled");

    /// <summary>The order-placed event, timed at the order's acceptance.</summary>
    public static OutgoingEvent Placed(CloudEventCodec codec, OrderPlaced data, DateTimeOffset time, string? traceParent) =>
        Encode(codec, PlacedId(data.OrderId), SalesEventTypes.OrderPlaced, data.OrderId, data, time, traceParent);

    /// <summary>The order-cancelled event, timed at the cancellation.</summary>
    public static OutgoingEvent Cancelled(CloudEventCodec codec, OrderCancelled data, DateTimeOffset time, string? traceParent) =>
        Encode(codec, CancelledId(data.OrderId), SalesEventTypes.OrderCancelled, data.OrderId, data, time, traceParent);

    private static OutgoingEvent Encode<T>(CloudEventCodec codec, string id, string type, string orderId, T data, DateTimeOffset time, string? traceParent)
    {
        var header = new CloudEventHeader(id, type, SalesEventTypes.Source, orderId, time, traceParent);
        return new OutgoingEvent(SalesEventTypes.SalesOrdersHub, orderId, id, type, codec.Encode(header, data), traceParent);
    }
}
