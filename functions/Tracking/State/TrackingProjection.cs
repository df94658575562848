using Store.Eventing.Processing;
using Store.Eventing.State;
using Store.Tracking.Decisions;
using Store.Tracking.Events;

namespace Store.Tracking.State;

/// <summary>Keys every order event by order id and applies it to the order's view. Emits nothing.</summary>
public sealed class TrackingProjection : IKeyedProjection<TrackedOrder>
{
    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => OrderIdOf(e.Event.Data) is { } orderId ? OrderKeys.For(orderId) : null;

    /// <inheritdoc />
    public TrackedOrder Initial(EntityKey key) => OrderStatus.Empty(OrderKeys.OrderIdOf(key.RowKey));

    /// <inheritdoc />
    public Decision<TrackedOrder> Apply(TrackedOrder state, InboundEvent e) =>
        new(OrderStatus.Apply(state, e.Event.Id, e.Event.Type, e.Event.Time, e.Event.Data), []);

    private static string? OrderIdOf(object data) => data switch
    {
        OrderPlaced d => d.OrderId,
        OrderCancelled d => d.OrderId,
        StockReserved d => d.OrderId,
        StockReservationRejected d => d.OrderId,
        StockReleased d => d.OrderId,
        PaymentAuthorized d => d.OrderId,
        PaymentDeclined d => d.OrderId,
        ShipmentRequested d => d.OrderId,
        OrderWithdrawn d => d.OrderId,
        CancellationRejected d => d.OrderId,
        _ => null,
    };
}
