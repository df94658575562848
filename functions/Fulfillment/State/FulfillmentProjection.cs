using Store.Eventing.State;
using Store.Fulfillment.Decisions;

namespace Store.Fulfillment.State;

/// <summary>Keys Fulfillment's inputs by order and emits the decider's shipment requests and cancellation answers.</summary>
public sealed class FulfillmentProjection : IKeyedProjection<FulfillmentOrder>
{
    /// <summary>An order's row: 256 hash buckets of the order id (a batch's orders coalesce into few transactions), row key the escaped id.</summary>
    public static EntityKey KeyOf(string orderId) => TableKeys.Bucketed(orderId, 2);

    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => OrderIdOf(e.Event.Data) is { } orderId ? KeyOf(orderId) : null;

    /// <inheritdoc />
    public FulfillmentOrder Initial(EntityKey key) => new(TableKeys.IdOf(key.RowKey));

    /// <inheritdoc />
    public Decision<FulfillmentOrder> Apply(FulfillmentOrder state, InboundEvent e)
    {
        var decision = FulfillmentDecider.Decide(state, new EventMeta(e.Event.Id, e.Event.Time, e.Event.TraceParent), e.Event.Data);
        return new(decision.State, decision.Output is { } output ? [output] : []);
    }

    private static string? OrderIdOf(object data) => data switch
    {
        OrderPlaced p => p.OrderId,
        OrderCancelled c => c.OrderId,
        StockReserved r => r.OrderId,
        PaymentAuthorized a => a.OrderId,
        PaymentDeclined d => d.OrderId,
        _ => null,
    };
}
