namespace Store.LocalHost.Tests.SystemProperties;

/// <summary>The one final state of a placed order.</summary>
public enum Outcome
{
    /// <summary>Fulfillment requested the shipment; Inventory committed the stock.</summary>
    Shipped,

    /// <summary>The customer's cancel won: Fulfillment withdrew the order before shipping it; its stock (if any) was released.</summary>
    Cancelled,

    /// <summary>Payment declined (and no cancel): never ships; stock (if any) released.</summary>
    Declined,

    /// <summary>Stock could not be reserved (and no cancel, payment authorised): never ships.</summary>
    Rejected,
}

/// <summary>What the scenario alone says about one order.</summary>
public sealed record ExpectedOrder(PlaceOrder Order, bool Declined, bool Reservable, bool CancelRequested)
{
    /// <summary>
    /// The final states the order may end in under any processing order. Whether a cancel beats the shipment and whether
    /// a contended reservation beats a receipt depend on timing (each decided by its one owner); nothing else does.
    /// </summary>
    public IReadOnlySet<Outcome> Allowed
    {
        get
        {
            var allowed = new HashSet<Outcome>();
            if (CancelRequested)
            {
                allowed.Add(Outcome.Cancelled);
            }
            else if (Declined)
            {
                allowed.Add(Outcome.Declined);
            }
            else
            {
                allowed.Add(Outcome.Rejected);
            }

            if (!Declined && Reservable)
            {
                allowed.Add(Outcome.Shipped);
            }

            return allowed;
        }
    }
}

/// <summary>
/// The reference model: a pure function of the scenario, independent of processing order. It knows the payment rule
/// (the same inputs always give the same answer), the stock received per SKU, which orders could ever be reserved, which
/// orders the customer asked to cancel, and which consumers must dead-letter each malformed line.
/// </summary>
public sealed record ReferenceModel(
    IReadOnlyDictionary<string, ExpectedOrder> Orders,
    IReadOnlyDictionary<string, long> Received,
    IReadOnlyList<(int Step, MalformedKind Kind)> Malformed)
{
    public const decimal AuthorizationLimit = 5000m;
    public static readonly IReadOnlySet<string> SupportedCurrencies = new HashSet<string>(["EUR", "USD", "GBP"], StringComparer.Ordinal);

    /// <summary>The consumer groups that must dead-letter a malformed line of each kind (catalog consumers of its hub).</summary>
    public static string HubOf(MalformedKind kind) => kind switch
    {
        MalformedKind.BadJson => "sales-orders",
        MalformedKind.UnknownType => "payments",
        _ => "inventory-stock",
    };

    public static ReferenceModel Of(Scenario scenario)
    {
        var received = Scenario.Skus.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        var placed = new List<PlaceOrder>();
        var cancelled = new HashSet<string>(StringComparer.Ordinal);
        var malformed = new List<(int, MalformedKind)>();
        for (var i = 0; i < scenario.Steps.Count; i++)
        {
            switch (scenario.Steps[i])
            {
                case Receipt r:
                    received[r.Sku] += r.Quantity;
                    break;
                case PlaceOrder o:
                    placed.Add(o);
                    break;
                case CancelOrder c when placed.Any(o => o.OrderId == c.OrderId):
                    cancelled.Add(c.OrderId);
                    break;
                case Malformed m:
                    malformed.Add((i, m.Kind));
                    break;
            }
        }

        var orders = placed.ToDictionary(
            o => o.OrderId,
            o => new ExpectedOrder(
                o,
                Declined: !SupportedCurrencies.Contains(o.Currency) || o.Total > AuthorizationLimit,
                Reservable: o.Lines.GroupBy(l => l.Sku).All(g => g.Sum(l => l.Quantity) <= received[g.Key]),
                CancelRequested: cancelled.Contains(o.OrderId)),
            StringComparer.Ordinal);
        return new ReferenceModel(orders, received, malformed);
    }
}
