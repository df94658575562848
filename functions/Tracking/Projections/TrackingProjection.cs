namespace Store.Tracking.Projections;

/// <summary>Keys every order event by order id and applies it to the order's view. Emits nothing.</summary>
public sealed class TrackingProjection : IKeyedProjection<TrackedOrder>
{
    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data is IOrderEvent { OrderId: var orderId } ? KeyOf(orderId) : null;

    /// <summary>An order's row: 16 hash buckets of the order id (see ../README.md), row key the escaped id.</summary>
    public static EntityKey KeyOf(string orderId) => TableKeys.Bucketed(orderId, 1);

    /// <inheritdoc />
    public TrackedOrder Initial(EntityKey key) => OrderStatus.Empty(TableKeys.IdOf(key.RowKey));

    /// <inheritdoc />
    public TrackedOrder Apply(TrackedOrder state, InboundEvent e) => OrderStatus.Apply(state, e.Event.Id, e.Event.Type, e.Event.Time, e.Event.Data);
}
