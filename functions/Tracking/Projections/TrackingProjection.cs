namespace Store.Tracking.Projections;

/// <summary>Keys every order event by order id and applies it to the order's view. Emits nothing.</summary>
public sealed class TrackingProjection : IKeyedProjection<TrackedOrder>
{
    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data is IOrderEvent { OrderId: var orderId } ? KeyOf(orderId) : null;

    /// <summary>
    /// An order's row: 16 hash buckets of the order id, row key the escaped id. Why 16: a batch writes one entity-group
    /// transaction per partition it touches, so with 256 buckets a 100-order batch needed ~80 transactions (measured in
    /// tests/Benchmarks); with 16 at most 16, and 16 partitions already exceed a storage account's entity rate.
    /// </summary>
    public static EntityKey KeyOf(string orderId) => TableKeys.Bucketed(orderId, 1);

    /// <inheritdoc />
    public TrackedOrder Initial(EntityKey key) => OrderStatus.Empty(TableKeys.IdOf(key.RowKey));

    /// <inheritdoc />
    public TrackedOrder Apply(TrackedOrder state, InboundEvent e) => OrderStatus.Apply(state, e.Event.Id, e.Event.Type, e.Event.Time, e.Event.Data);
}
