using Store.Eventing.State;

namespace Store.Sales.Projections;

/// <summary>
/// Projects Fulfillment's decisions onto Sales's order rows: shipment requested (a later cancel answers 409), order
/// withdrawn, cancellation rejected. Emits nothing.
/// </summary>
public sealed class OrderShipmentsProjection : IKeyedProjection<OrderState>
{
    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data switch
    {
        ShipmentRequested s => OrderKeys.For(s.OrderId),
        OrderWithdrawn w => OrderKeys.For(w.OrderId),
        CancellationRejected r => OrderKeys.For(r.OrderId),
        _ => null,
    };

    /// <inheritdoc />
    public OrderState Initial(EntityKey key) => OrderState.New(key.PartitionKey);

    /// <inheritdoc />
    public OrderState Apply(OrderState state, InboundEvent e) => e.Event.Data switch
    {
        ShipmentRequested s => OrderDecider.MarkShipped(state, s),
        OrderWithdrawn => OrderDecider.MarkCancellationOutcome(state, CancellationOutcomes.Withdrawn),
        CancellationRejected => OrderDecider.MarkCancellationOutcome(state, CancellationOutcomes.Rejected),
        _ => state,
    };
}
