using Store.Inventory.Events;
using Store.Inventory.State;

namespace Store.Inventory.Decisions;

/// <summary>The rows an Inventory decision reads: a consistent view of the stock partition.</summary>
public interface IStockView
{
    /// <summary>The SKU's stock; null when nothing was ever received for it.</summary>
    SkuStock? Sku(string sku);

    /// <summary>The order's reservation; null when the order is unknown.</summary>
    OrderReservation? Order(string orderId);

    /// <summary>The applied receipt; null when not applied.</summary>
    ReceiptRecord? Receipt(string receiptId);
}

/// <summary>
/// Why stock is released (the <c>reason</c> of <c>stock-released</c>). Inventory never decides on its own whether an order
/// is abandoned: it releases when Fulfillment, the one authority on ship-or-abandon, withdrew the order after the customer's
/// cancel (<c>fulfillment.order-withdrawn</c>, reason "order-cancelled"), or when Payments declined it (a declined order is
/// never authorised, so it can never ship). A cancel on its own (<c>sales.order-cancelled</c>) is only a request: it may
/// still lose to the shipment.
/// </summary>
public static class ReleaseReasons
{
    public const string OrderCancelled = "order-cancelled";
    public const string PaymentDeclined = "payment-declined";
}

/// <summary>
/// What one event does to the stock partition: the rows it changes (new states), at most one output event
/// (<see cref="StockReserved"/>, <see cref="StockReservationRejected"/> or <see cref="StockReleased"/>), or a rule
/// violation (the event is dead-lettered and nothing changes). No rows and no output means a no-op (e.g. a duplicate).
/// </summary>
public sealed record InventoryDecision(IReadOnlyList<SkuStock> Skus, OrderReservation? Order, ReceiptRecord? Receipt, object? Output, string? Violation)
{
    /// <summary>Nothing to do.</summary>
    public static InventoryDecision NoOp { get; } = new([], null, null, null, null);

    /// <summary>True when the decision changes nothing and emits nothing.</summary>
    public bool IsNoOp => Violation is null && Output is null && Order is null && Receipt is null && Skus.Count == 0;

    /// <summary>A rule violation.</summary>
    public static InventoryDecision Reject(string message) => new([], null, null, null, message);
}

/// <summary>Inventory's rules as pure functions of the current rows and one event. No I/O, no clock.</summary>
public static class InventoryDecisions
{
    /// <summary>One event's rows must fit in one entity-group transaction (100): the order row plus at most 99 SKU rows.</summary>
    public const int MaxDistinctSkusPerOrder = 99;

    /// <summary>The largest quantity of one line in the event contracts; larger sums are split into several lines.</summary>
    public const int MaxContractLineQuantity = 1000;

    /// <summary>Decides any event Inventory consumes; null for event types Inventory does not act on (e.g. its own outputs).</summary>
    public static InventoryDecision? Decide(IStockView view, object data) => data switch
    {
        StockReceived e => Receive(view, e),
        OrderPlaced e => Place(view, e),
        OrderWithdrawn e => Release(view, e.OrderId, e.CustomerId, ReleaseReasons.OrderCancelled),
        PaymentDeclined e => Release(view, e.OrderId, e.CustomerId, ReleaseReasons.PaymentDeclined),
        ShipmentRequested e => Commit(view, e.OrderId),
        _ => null,
    };

    /// <summary>A goods receipt adds to available and received stock, once per receipt id.</summary>
    public static InventoryDecision Receive(IStockView view, StockReceived e)
    {
        if (view.Receipt(e.ReceiptId) is { } applied)
        {
            return applied.Sku == e.Sku && applied.Quantity == e.Quantity
                ? InventoryDecision.NoOp
                : InventoryDecision.Reject($"Receipt '{e.ReceiptId}' was already applied as {applied.Quantity} x '{applied.Sku}'; a different receipt under the same id is refused.");
        }

        if (e.Quantity < 1)
        {
            return InventoryDecision.Reject($"Receipt '{e.ReceiptId}' has quantity {e.Quantity}; it must be at least 1.");
        }

        var sku = view.Sku(e.Sku) ?? SkuStock.Empty(e.Sku);
        var updated = sku with { Available = sku.Available + e.Quantity, Received = sku.Received + e.Quantity };
        return new InventoryDecision([updated], null, new ReceiptRecord(e.ReceiptId, e.Sku, e.Quantity), null, null);
    }

    /// <summary>
    /// Reserves every line of a new order or none: all available → Reserved and <see cref="StockReserved"/>;
    /// otherwise Rejected and <see cref="StockReservationRejected"/> listing the short SKUs. Lines with the same SKU are
    /// summed. A known order (already decided, or voided by an earlier release) is a no-op.
    /// </summary>
    public static InventoryDecision Place(IStockView view, OrderPlaced e)
    {
        if (view.Order(e.OrderId) is not null)
        {
            return InventoryDecision.NoOp;
        }

        var lines = SumLines(e.Lines);
        if (lines.Count > MaxDistinctSkusPerOrder)
        {
            return InventoryDecision.Reject(
                $"Order '{e.OrderId}' names {lines.Count} distinct SKUs; Inventory reserves at most {MaxDistinctSkusPerOrder} per order (one atomic table transaction).");
        }

        var shortLines = new List<ShortLine>();
        var reserved = new List<SkuStock>(lines.Count);
        foreach (var line in lines)
        {
            var sku = view.Sku(line.Sku) ?? SkuStock.Empty(line.Sku);
            if (sku.Available < line.Quantity)
            {
                foreach (var part in Split(line.Quantity))
                {
                    shortLines.Add(new ShortLine(line.Sku, part, sku.Available));
                }
            }
            else
            {
                reserved.Add(sku with { Available = sku.Available - line.Quantity, Reserved = sku.Reserved + line.Quantity });
            }
        }

        if (shortLines.Count > 0)
        {
            return new InventoryDecision([], new OrderReservation(e.OrderId, e.CustomerId, OrderStatus.Rejected, lines), null,
                new StockReservationRejected(e.OrderId, e.CustomerId, shortLines), null);
        }

        return new InventoryDecision(reserved, new OrderReservation(e.OrderId, e.CustomerId, OrderStatus.Reserved, lines), null,
            new StockReserved(e.OrderId, e.CustomerId, ContractLines(lines)), null);
    }

    /// <summary>
    /// Releases a reserved order once (<see cref="StockReleased"/>). Rejected, released, committed or voided orders: no-op.
    /// An unknown order gets a Voided tombstone so that an order-placed arriving later reserves nothing.
    /// </summary>
    public static InventoryDecision Release(IStockView view, string orderId, string? customerId, string reason)
    {
        var order = view.Order(orderId);
        if (order is null)
        {
            return new InventoryDecision([], new OrderReservation(orderId, customerId, OrderStatus.Voided, [], reason), null, null, null);
        }

        if (order.Status != OrderStatus.Reserved)
        {
            return InventoryDecision.NoOp;
        }

        var skus = order.Lines.Select(line =>
        {
            var sku = view.Sku(line.Sku) ?? throw new InvalidOperationException($"Reserved order '{orderId}' refers to SKU '{line.Sku}' that has no stock row.");
            return sku with { Available = sku.Available + line.Quantity, Reserved = sku.Reserved - line.Quantity };
        }).ToArray();
        return new InventoryDecision(skus, order with { Status = OrderStatus.Released, ReleaseReason = reason }, null,
            new StockReleased(orderId, order.CustomerId ?? customerId, ContractLines(order.Lines), reason), null);
    }

    /// <summary>Commits a reserved order's stock (shipment requested); committed again: no-op; not reserved: rule violation.</summary>
    public static InventoryDecision Commit(IStockView view, string orderId)
    {
        var order = view.Order(orderId);
        switch (order?.Status)
        {
            case null:
                return InventoryDecision.Reject($"Shipment requested for order '{orderId}', which Inventory never reserved.");
            case OrderStatus.Committed:
                return InventoryDecision.NoOp;
            case OrderStatus.Reserved:
                var skus = order.Lines.Select(line =>
                {
                    var sku = view.Sku(line.Sku) ?? throw new InvalidOperationException($"Reserved order '{orderId}' refers to SKU '{line.Sku}' that has no stock row.");
                    return sku with { Reserved = sku.Reserved - line.Quantity, Committed = sku.Committed + line.Quantity };
                }).ToArray();
                return new InventoryDecision(skus, order with { Status = OrderStatus.Committed }, null, null, null);
            default:
                return InventoryDecision.Reject(
                    $"Shipment requested for order '{orderId}', whose reservation is {order.Status.ToString().ToLowerInvariant()}{(order.ReleaseReason is { } r ? " (" + r + ")" : "")}: no stock to commit.");
        }
    }

    /// <summary>Sums an order's lines per SKU (ordinal), in order of first appearance.</summary>
    public static IReadOnlyList<SkuQuantity> SumLines(IEnumerable<OrderPlacedLine> lines)
    {
        var sums = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var line in lines)
        {
            if (sums.TryGetValue(line.Sku, out var sum))
            {
                sums[line.Sku] = checked(sum + line.Quantity);
            }
            else
            {
                sums[line.Sku] = line.Quantity;
                order.Add(line.Sku);
            }
        }

        return order.Select(sku => new SkuQuantity(sku, sums[sku])).ToArray();
    }

    /// <summary>
    /// Lines as the event contracts allow them (quantity ≤ 1000 per line): one line per SKU, and a SKU whose summed
    /// quantity exceeds 1000 becomes several lines of the same SKU that add up to the sum.
    /// </summary>
    public static IReadOnlyList<StockLine> ContractLines(IEnumerable<SkuQuantity> lines) =>
        lines.SelectMany(l => Split(l.Quantity).Select(q => new StockLine(l.Sku, q))).ToArray();

    private static IEnumerable<int> Split(int quantity)
    {
        for (var left = quantity; left > 0; left -= MaxContractLineQuantity)
        {
            yield return Math.Min(left, MaxContractLineQuantity);
        }
    }
}
