namespace Store.Loyalty.State;

/// <summary>
/// One customer's loyalty state (one table entity: PartitionKey = bucket of the customer id, RowKey = the customer id).
/// <see cref="Counted"/> remembers every order that earned points, so each order counts at most once whatever the
/// arrival order or redelivery; <see cref="Pending"/> holds what is known about orders that have not earned points yet
/// (placed but not shipped, or shipped without a total and waiting for the order-placed total).
/// Sorted collections keep the stored JSON identical whatever the order in which the facts arrived (the default string
/// comparer, ordinal in this invariant-globalization app, is also the one the deserializer uses).
/// </summary>
/// <remarks>
/// Limits: the kit stores the state as one string property, which Azure Tables caps at 64 KiB (32K UTF-16 characters),
/// well below the 1 MiB entity cap. With ~40 characters per order id that is roughly 700 orders per customer (counted
/// plus pending, including orders that were placed and never shipped). Past that the commit fails with a non-transient
/// error and the batch's events for that customer are dead-lettered, not dropped. If customers ever get that large,
/// move <see cref="Counted"/>/<see cref="Pending"/> into order-keyed entities in the customer's partition (same
/// entity-group transaction) and keep only points and tier here.
/// </remarks>
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
