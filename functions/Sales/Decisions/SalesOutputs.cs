namespace Store.Sales.Decisions;

/// <summary>
/// Sales' output events. Ids derive from the order id and the event's role, so there is at most one order-placed and
/// one order-cancelled id per order, whatever the number of retries.
/// </summary>
public static class SalesOutputs
{
    private const string PlacedRole = "order-placed";
    private const string CancelledRole = "order-cancelled";

    /// <summary>The id of an order's order-placed event.</summary>
    public static string PlacedId(string orderId) => EventIds.Derive(Scope(orderId), PlacedRole);

    /// <summary>The id of an order's order-cancelled event.</summary>
    public static string CancelledId(string orderId) => EventIds.Derive(Scope(orderId), CancelledRole);

    /// <summary>The order-placed event, timed at the order's acceptance.</summary>
    public static Emit Placed(OrderPlaced data, DateTimeOffset time, string? traceParent) =>
        new(data, PlacedRole, new EventCause(Scope(data.OrderId), time, traceParent));

    /// <summary>The order-cancelled event, timed at the cancellation.</summary>
    public static Emit Cancelled(OrderCancelled data, DateTimeOffset time, string? traceParent) =>
        new(data, CancelledRole, new EventCause(Scope(data.OrderId), time, traceParent));

    private static string Scope(string orderId) => "sales/orders/" + orderId;
}
