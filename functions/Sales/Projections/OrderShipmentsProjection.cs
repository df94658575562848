using Store.Eventing.State;

namespace Store.Sales.Projections;

/// <summary>
/// Applies Fulfillment's decisions to the order rows that the HTTP ingress writes: <c>shipment-requested</c> (a later
/// cancel answers 409), <c>order-withdrawn</c> (the cancel took effect) and <c>cancellation-rejected</c> (a cancel
/// answered 202 lost to the shipment). A shipment for an order Sales never accepted still leaves a marker row (see <see cref="OrderState"/>).
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
