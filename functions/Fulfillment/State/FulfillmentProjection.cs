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
        var scope = FulfillmentDecider.Scope(decision.State.OrderId);
        return decision switch
        {
            { CancellationAnswer: { } answer } => new(decision.State, [new Emit(answer.Data, answer.Role, new EventCause(scope, answer.Time, answer.TraceParent))]),
            { Shipment: { } shipment } => new(decision.State, [new Emit(shipment.Data, FulfillmentDecider.ShipmentRequestedRole, new EventCause(scope, shipment.Time, shipment.TraceParent))]),
            _ => new(decision.State),
        };
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
