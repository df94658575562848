using Store.Eventing.CloudEvents;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;
using Store.Loyalty.Decisions;
using Store.Loyalty.Events;

namespace Store.Loyalty.State;

/// <summary>
/// Maps order-placed and shipment-requested to the customer they belong to and applies <see cref="LoyaltyDecider"/>.
/// A tier-changed's id is derived from the customer and the tier reached (not from the input that happened to cause
/// it), so a Loyalty that starts late and replays all history emits the same ids as one that ran from the beginning;
/// its time and trace come from the input that caused it.
/// </summary>
/// <remarks>
/// What converges between a late-started Loyalty and one that always ran: the state (points, tier, counted orders),
/// the set of tier-changed ids and each one's customer, previous and new tier. What may differ: <c>points</c> and
/// <c>time</c>, which describe the order that tipped the balance, and arrival order across hubs and partitions decides
/// which order that is (orders 600, 600, 600: the crossing happens on whichever second order arrives). No rule that
/// fixes them at emission time can be arrival-order independent without knowing future events, so ids, not bytes,
/// are the dedup key downstream.
/// </remarks>
public sealed class LoyaltyProjection(CloudEventCodec codec) : IKeyedProjection<CustomerLoyalty>
{
    /// <summary>The id of the event announcing that <paramref name="customerId"/> reached <paramref name="newTier"/>.</summary>
    public static string TierChangedId(string customerId, string newTier) =>
        EventIds.Derive("loyalty/" + customerId, "tier-changed/" + newTier);

    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data switch
    {
        OrderPlaced placed => CustomerKeys.For(placed.CustomerId),
        ShipmentRequested shipment => CustomerKeys.For(shipment.CustomerId),
        _ => null,
    };

    /// <inheritdoc />
    public CustomerLoyalty Initial(EntityKey key) => LoyaltyDecider.Initial("");

    /// <inheritdoc />
    public Decision<CustomerLoyalty> Apply(CustomerLoyalty state, InboundEvent e)
    {
        var decision = e.Event.Data switch
        {
            OrderPlaced placed => LoyaltyDecider.OnOrderPlaced(Named(state, placed.CustomerId), placed.OrderId, placed.Total),
            ShipmentRequested shipment => LoyaltyDecider.OnShipmentRequested(Named(state, shipment.CustomerId), shipment.OrderId, shipment.Total),
            _ => new LoyaltyDecision(state, []),
        };

        if (decision.Rejection is { } reason)
        {
            return Decision<CustomerLoyalty>.Reject(state, reason);
        }

        var outputs = decision.Changes.Select(change => Encode(change, e)).ToArray();
        return new Decision<CustomerLoyalty>(decision.State, outputs);
    }

    /// <summary>Builds the outgoing tier-changed for a crossing caused by <paramref name="cause"/>.</summary>
    public OutgoingEvent Encode(TierChanged change, InboundEvent cause)
    {
        var id = TierChangedId(change.CustomerId, change.NewTier);
        var header = new CloudEventHeader(id, LoyaltyEventTypes.TierChanged, LoyaltyEventTypes.Source, change.CustomerId, cause.Event.Time, cause.Event.TraceParent);
        return new OutgoingEvent(LoyaltyEventTypes.TiersHub, change.CustomerId, id, LoyaltyEventTypes.TierChanged, codec.Encode(header, change), cause.Event.TraceParent);
    }

    // The row key is escaped, so the customer id comes from the first event that creates the entity.
    private static CustomerLoyalty Named(CustomerLoyalty state, string customerId) =>
        state.CustomerId.Length == 0 ? state with { CustomerId = customerId } : state;
}
