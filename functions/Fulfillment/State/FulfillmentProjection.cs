using Store.Eventing.State;
using Store.Fulfillment.Decisions;

namespace Store.Fulfillment.State;

/// <summary>Keys Fulfillment's inputs by order and emits the decider's shipment requests and cancellation answers.</summary>
public sealed class FulfillmentProjection : IKeyedProjection<FulfillmentOrder>
{
    /// <summary>An order's row: 256 hash buckets of the order id (a batch's orders coalesce into few transactions), row key the escaped id.</summary>
    public static EntityKey KeyOf(string orderId) => TableKeys.Bucketed(orderId, 2);

    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data is IOrderEvent { OrderId: var orderId } ? KeyOf(orderId) : null;

    /// <inheritdoc />
    public FulfillmentOrder Initial(EntityKey key) => new(TableKeys.IdOf(key.RowKey));

    /// <inheritdoc />
    public Decision<FulfillmentOrder> Apply(FulfillmentOrder state, InboundEvent e) =>
        FulfillmentDecider.Decide(state, new EventMeta(e.Event.Id, e.Event.Time, e.Event.TraceParent), e.Event.Data);
}
