namespace Store.Loyalty.Deciders;

/// <summary>The outcome of one fact applied to one customer: the new state and the tier crossings it caused, or a rejection.</summary>
public sealed record LoyaltyDecision(CustomerLoyalty State, IReadOnlyList<TierChanged> Changes, string? Rejection = null);

/// <summary>Loyalty's decider: points and tiers per customer, as pure functions (see ../README.md).</summary>
public sealed class LoyaltyDecider : IKeyedDecider<CustomerLoyalty>
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
    public CustomerLoyalty Initial(EntityKey key) => Initial(TableKeys.IdOf(key.RowKey));

    /// <inheritdoc />
    public Decision<CustomerLoyalty> Decide(CustomerLoyalty state, InboundEvent e)
    {
        var decision = e.Event.Data switch
        {
            OrderPlaced placed => OnOrderPlaced(state, placed.OrderId, placed.Total),
            ShipmentRequested shipment => OnShipmentRequested(state, shipment.OrderId, shipment.Total),
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

    /// <summary>Totals at or above this are rejected as implausible (they would overflow points arithmetic long before).</summary>
    public const decimal MaxTotal = 1_000_000_000_000m;

    /// <summary>A customer Loyalty has not seen yet.</summary>
    public static CustomerLoyalty Initial(string customerId) =>
        new(customerId, 0, Tiers.Bronze, ImmutableSortedSet<string>.Empty, ImmutableSortedDictionary<string, PendingOrder>.Empty);

    /// <summary>The points an order total earns: its whole currency units.</summary>
    public static long PointsFor(decimal total) => (long)decimal.Floor(total);

    /// <summary>An order was placed: remember its total, or count it now if its shipment (without a total) came first.</summary>
    public static LoyaltyDecision OnOrderPlaced(CustomerLoyalty state, string orderId, decimal total) =>
        Learn(state, orderId, total, shipped: false, "Order");

    /// <summary>A shipment was requested: count the order with the shipment's total, else the order-placed total, else wait for it.</summary>
    public static LoyaltyDecision OnShipmentRequested(CustomerLoyalty state, string orderId, decimal? shipmentTotal) =>
        Learn(state, orderId, shipmentTotal, shipped: true, "Shipment of order");

    /// <summary>The crossings between two balances, lowest threshold first, each reporting the new balance.</summary>
    public static IReadOnlyList<TierChanged> CrossingsBetween(string customerId, long before, long after) =>
        [.. Tiers.Crossings.Where(c => before < c.Threshold && after >= c.Threshold).Select(c => new TierChanged(customerId, c.Below, c.Reached, after))];

    // Merges one fact into what is pending for the order and counts the order once it is shipped with a known total. The
    // shipment's own total wins over the order's; of two order-placed totals the first is kept.
    private static LoyaltyDecision Learn(CustomerLoyalty state, string orderId, decimal? total, bool shipped, string what)
    {
        if (total >= MaxTotal)
        {
            return new LoyaltyDecision(state, [], $"{what} {orderId} total {total} is not plausible (limit {MaxTotal}).");
        }

        if (state.Counted.Contains(orderId))
        {
            return new LoyaltyDecision(state, []);
        }

        state.Pending.TryGetValue(orderId, out var pending);
        var known = new PendingOrder(shipped ? total ?? pending?.Total : pending?.Total ?? total, shipped || pending?.Shipped == true);
        return known is { Shipped: true, Total: { } knownTotal }
            ? Count(state, orderId, knownTotal)
            : new LoyaltyDecision(state with { Pending = state.Pending.SetItem(orderId, known) }, []);
    }

    private static LoyaltyDecision Count(CustomerLoyalty state, string orderId, decimal total)
    {
        var points = state.Points + PointsFor(total);
        var next = state with
        {
            Points = points,
            Tier = Tiers.For(points),
            Counted = state.Counted.Add(orderId),
            Pending = state.Pending.Remove(orderId),
        };
        return new LoyaltyDecision(next, CrossingsBetween(state.CustomerId, state.Points, points));
    }
}
