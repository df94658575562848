using Store.Loyalty.Decisions;

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
public sealed class LoyaltyProjection : IKeyedProjection<CustomerLoyalty>
{
    /// <summary>The id of the event announcing that <paramref name="customerId"/> reached <paramref name="newTier"/>.</summary>
    public static string TierChangedId(string customerId, string newTier) => EventIds.Derive(Scope(customerId), Role(newTier));

    /// <summary>A customer's row: 16 hash buckets of the customer id (a batch writes few partitions), row key the escaped id.</summary>
    public static EntityKey KeyOf(string customerId) => TableKeys.Bucketed(customerId, 1);

    /// <inheritdoc />
    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data switch
    {
        OrderPlaced placed => KeyOf(placed.CustomerId),
        ShipmentRequested shipment => KeyOf(shipment.CustomerId),
        _ => null,
    };

    /// <inheritdoc />
    public CustomerLoyalty Initial(EntityKey key) => LoyaltyDecider.Initial(TableKeys.IdOf(key.RowKey));

    /// <inheritdoc />
    public Decision<CustomerLoyalty> Apply(CustomerLoyalty state, InboundEvent e)
    {
        var decision = e.Event.Data switch
        {
            OrderPlaced placed => LoyaltyDecider.OnOrderPlaced(state, placed.OrderId, placed.Total),
            ShipmentRequested shipment => LoyaltyDecider.OnShipmentRequested(state, shipment.OrderId, shipment.Total),
            _ => new LoyaltyDecision(state, []),
        };

        if (decision.Rejection is { } reason)
        {
            return Decision<CustomerLoyalty>.Reject(state, reason);
        }

        // Id from the customer and the tier reached; time and trace from the input that caused the crossing.
        var outputs = decision.Changes
            .Select(change => new Emit(change, Role(change.NewTier), EventCause.Of(e) with { Scope = Scope(change.CustomerId) }))
            .ToArray();
        return new Decision<CustomerLoyalty>(decision.State, outputs);
    }

    private static string Scope(string customerId) => "loyalty/" + customerId;

    private static string Role(string newTier) => "tier-changed/" + newTier;
}
