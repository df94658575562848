using Store.Eventing.State;

namespace Store.Sales.State;

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
    public Decision<OrderState> Apply(OrderState state, InboundEvent e) => new(e.Event.Data switch
    {
        ShipmentRequested s => OrderDecisions.MarkShipped(state, s),
        OrderWithdrawn => OrderDecisions.MarkCancellationOutcome(state, CancellationOutcomes.Withdrawn),
        CancellationRejected => OrderDecisions.MarkCancellationOutcome(state, CancellationOutcomes.Rejected),
        _ => state,
    });
}

/// <summary>Where an order lives in the orders table: one partition per order (the escaped id), so orders never contend with each other.</summary>
public static class OrderKeys
{
    /// <summary>The row key of the order entity inside its partition.</summary>
    public const string RowKey = "order";

    /// <summary>The key of an order's entity.</summary>
    public static EntityKey For(string orderId) => new(orderId, RowKey);
}
