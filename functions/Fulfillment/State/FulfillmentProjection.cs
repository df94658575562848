using Store.Eventing.CloudEvents;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;
using Store.Fulfillment.Decisions;
using Store.Fulfillment.Events;

namespace Store.Fulfillment.State;

/// <summary>Keys Fulfillment's inputs by order and turns the decider's shipment requests and cancellation answers into encoded events.</summary>
public sealed class FulfillmentProjection(CloudEventCodec codec) : IKeyedProjection<FulfillmentOrder>
{
    /// <summary>The hub Fulfillment owns.</summary>
    public const string ShipmentsHub = "fulfillment-shipments";

    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => OrderIdOf(e.Event.Data) is { } orderId ? OrderKeys.For(orderId) : null;

    /// <inheritdoc />
    public FulfillmentOrder Initial(EntityKey key) => new(OrderKeys.OrderIdOf(key.RowKey));

    /// <inheritdoc />
    public Decision<FulfillmentOrder> Apply(FulfillmentOrder state, InboundEvent e)
    {
        var decision = FulfillmentDecider.Decide(state, new EventMeta(e.Event.Id, e.Event.Time, e.Event.TraceParent), e.Event.Data);
        if (decision.CancellationAnswer is { } answer)
        {
            var orderId = decision.State.OrderId;
            var answerHeader = new CloudEventHeader(answer.EventId, answer.Type, FulfillmentDecider.Source, orderId, answer.Time, answer.TraceParent);
            var body = answer.Data switch
            {
                OrderWithdrawn w => codec.Encode(answerHeader, w),
                CancellationRejected r => codec.Encode(answerHeader, r),
                _ => throw new InvalidOperationException($"Unexpected cancellation answer {answer.Data.GetType().Name}."),
            };
            return new Decision<FulfillmentOrder>(decision.State, [new OutgoingEvent(ShipmentsHub, orderId, answer.EventId, answer.Type, body, answer.TraceParent)]);
        }

        if (decision.Shipment is not { } shipment)
        {
            return new Decision<FulfillmentOrder>(decision.State, []);
        }

        var header = new CloudEventHeader(shipment.EventId, FulfillmentEventTypes.ShipmentRequested, FulfillmentDecider.Source, shipment.Data.OrderId, shipment.Time, shipment.TraceParent);
        var output = new OutgoingEvent(ShipmentsHub, shipment.Data.OrderId, shipment.EventId, FulfillmentEventTypes.ShipmentRequested, codec.Encode(header, shipment.Data), shipment.TraceParent);
        return new Decision<FulfillmentOrder>(decision.State, [output]);
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
