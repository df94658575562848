using Store.Eventing.CloudEvents;
using Store.Fulfillment.Events;
using Store.Fulfillment.State;

namespace Store.Fulfillment.Decisions;

/// <summary>Envelope facts of an input event that decisions may use (never the clock).</summary>
public readonly record struct EventMeta(string Id, DateTimeOffset Time, string? TraceParent);

/// <summary>A shipment to request: the output's deterministic id, time and trace, and its data.</summary>
public sealed record ShipmentRequest(string EventId, DateTimeOffset Time, string? TraceParent, ShipmentRequested Data);

/// <summary>The new state of an order and the shipment request it triggers, if any.</summary>
public readonly record struct FulfillmentDecision(FulfillmentOrder State, ShipmentRequest? Shipment);

/// <summary>
/// The Fulfillment join as a pure function. An order ships (exactly one <c>shipment-requested</c>) once it has
/// <c>order-placed</c> (whose prices, total and currency the shipment carries), <c>stock-reserved</c> and
/// <c>payment-authorized</c>, in any arrival order, unless it was cancelled or its payment was declined before the
/// join completed. When stock and payment are both there but <c>order-placed</c> (from another stream) is not yet,
/// the decision waits for it: the shipment's schema needs the lines' unit prices, which only order-placed carries.
/// </summary>
public static class FulfillmentDecider
{
    /// <summary>CloudEvents source of Fulfillment's events.</summary>
    public const string Source = "/store/fulfillment";

    /// <summary>Applies one input event to an order.</summary>
    public static FulfillmentDecision Decide(FulfillmentOrder state, EventMeta meta, object data)
    {
        var next = data switch
        {
            OrderPlaced p => state.Placed is null
                ? state with { Placed = new PlacedOrder(p.CustomerId, p.Lines, p.Total, p.Currency, meta.Time, meta.Id, meta.TraceParent) }
                : state,
            StockReserved r => state.Reserved is null
                ? state with { Reserved = new ReservedStock(r.CustomerId, r.Lines, meta.Time, meta.Id) }
                : state,
            PaymentAuthorized => state.Authorized is null ? state with { Authorized = new JoinedFact(meta.Time, meta.Id) } : state,
            PaymentDeclined d => state.Declined is null ? state with { Declined = new DeclinedPayment(d.Reason, meta.Time, meta.Id) } : state,
            OrderCancelled => state.Cancelled is null ? state with { Cancelled = new JoinedFact(meta.Time, meta.Id) } : state,
            _ => throw new ArgumentException($"Fulfillment does not handle {data.GetType().Name}.", nameof(data)),
        };

        return TryRequestShipment(next);
    }

    /// <summary>True when the order is ready to ship: placed, reserved, authorised, not cancelled, not declined, not yet requested.</summary>
    public static bool IsReadyToShip(FulfillmentOrder order) =>
        !order.ShipmentRequested && order.Cancelled is null && order.Declined is null &&
        order.Placed is not null && order.Reserved is not null && order.Authorized is not null;

    /// <summary>The shipment id of an order: derived from the order id only, so every arrival order gives the same id.</summary>
    public static string ShipmentIdFor(string orderId) => EventIds.Derive("fulfillment/" + orderId, "shipment");

    /// <summary>The id of the order's <c>shipment-requested</c> event, derived from the order id only.</summary>
    public static string EventIdFor(string orderId) => EventIds.Derive("fulfillment/" + orderId, "shipment-requested");

    private static FulfillmentDecision TryRequestShipment(FulfillmentOrder order)
    {
        if (!IsReadyToShip(order))
        {
            return new FulfillmentDecision(order, null);
        }

        var placed = order.Placed!;
        var shipmentId = ShipmentIdFor(order.OrderId);
        var data = new ShipmentRequested(
            shipmentId,
            order.OrderId,
            placed.CustomerId,
            placed.Lines.Select(l => new ShipmentLine(l.Sku, l.Quantity, l.UnitPrice)).ToArray(),
            placed.Total,
            placed.Currency);

        // The time is the latest of the joined inputs and the trace is the order's own (order-placed), so the output
        // is byte-identical whichever input completes the join and however often it is redelivered.
        var time = Max(placed.Time, order.Reserved!.Time, order.Authorized!.Time);
        return new FulfillmentDecision(order with { ShipmentId = shipmentId }, new ShipmentRequest(EventIdFor(order.OrderId), time, placed.TraceParent, data));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b, DateTimeOffset c) =>
        new[] { a, b, c }.Max();
}
