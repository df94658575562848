namespace Store.Loyalty.State;

/// <summary>One customer's loyalty state: points, tier, the orders counted and the facts of orders not counted yet (see ../README.md).</summary>
public sealed record CustomerLoyalty(
    string CustomerId,
    long Points,
    string Tier,
    ImmutableSortedSet<string> Counted,
    ImmutableSortedDictionary<string, PendingOrder> Pending);

/// <summary>What is known about an order that has not earned points yet.</summary>
/// <param name="Total">The order total, once known (from order-placed, or from the shipment when it carries one).</param>
/// <param name="Shipped">True once a shipment was requested for the order.</param>
public sealed record PendingOrder(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Total,
    bool Shipped);
