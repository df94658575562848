using Store.Eventing.Processing;
using Store.Eventing.State;
using Store.Sales.Decisions;
using Store.Sales.Events;

namespace Store.Sales.State;

/// <summary>
/// Applies <c>fulfillment.shipment-requested.v1</c> to the order rows that the HTTP ingress writes, so that a later
/// cancel answers 409. A shipment for an order Sales never accepted still leaves a marker row (see <see cref="OrderState"/>).
/// </summary>
public sealed class OrderShipmentsProjection : IKeyedProjection<OrderState>
{
    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) =>
        e.Event.Type == SalesEventTypes.ShipmentRequested ? OrderKeys.For(e.DataAs<ShipmentRequested>().OrderId) : null;

    /// <inheritdoc />
    public OrderState Initial(EntityKey key) => OrderState.New(key.PartitionKey);

    /// <inheritdoc />
    public Decision<OrderState> Apply(OrderState state, InboundEvent e) =>
        new(OrderDecisions.MarkShipped(state, e.DataAs<ShipmentRequested>()), []);
}

/// <summary>Where an order lives in the orders table: one partition per order, so orders never contend with each other.</summary>
public static class OrderKeys
{
    /// <summary>The row key of the order entity inside its partition.</summary>
    public const string RowKey = "order";

    /// <summary>The key of an order's entity.</summary>
    public static EntityKey For(string orderId) => new(orderId, RowKey);
}
