// Inventory's stock rules (issue 15: sharded stock; N = 1 is the same saga with one shard). Wired by State/StockPartition.cs
// for every Inventory:StockShards = N (1-32).
//
// Shards. A SKU lives in shard hash(sku) mod N (the kit's one bucket hash, TableKeys.HashBucket), table partition
// "stock-<shard>"; N = 1 keeps the single partition "stock". An order's row lives in its HOME shard, hash(orderId)
// mod N ("the order's row, partitioned by order id"), because order-withdrawn and payment-declined carry only the order
// id: every event about an order must find its row without knowing its lines. Each shard has its own rows and outbox.
//
// Saga. The home splits the order's lines per shard into parts. Each part is reserved all-or-nothing in ONE transaction
// of its shard: the home's own part inside the order row (SagaOrder.Parts, in the same transaction as the order row and
// its SKU rows), every other part by a ReservePart message to a shard that keeps it as a part row "part|<orderId>" with
// its SKU rows (an order whose lines all sit in one other shard is still reserved in one transaction there, and never
// needs compensation; only the home's bookkeeping is separate). Each remote shard answers PartDecided. When every part
// has answered: all reserved -> stock-reserved; any short -> parts that reserved are released (ReleasePart) and
// stock-reservation-rejected lists every short line. Releases and commits take the same path (ReleasePart, CommitPart).
// A release that arrives while the order is still reserving is remembered and executed when the last answer arrives
// (then stock-reserved and stock-released go out together, in that order), so no reservation outlives its order.
//
// N = 1 (and any order whose lines all sit in its home shard) is the degenerate saga: one part, the home's, decided in
// the order-placed transaction; each event writes its order row (or receipt row) and the SKU rows it moves, nothing
// else, and sends no message. Its rules, as for every N:
// - Lines with the same SKU are summed; an order naming more than 99 distinct SKUs is a rule violation (the home's
//   transaction holds the order row plus its SKU rows, at most 100 entities).
// - Release before placed (payment-declined or order-withdrawn can overtake order-placed across hubs): the order row
//   becomes a Voided tombstone; a later order-placed for it reserves nothing and emits nothing (the order is already
//   dead; a "rejected" event would tell the customer "out of stock", which is false).
// - Shipment-requested for an order that is not reserved (unknown, rejected, released, voided, still reserving) cannot
//   commit stock: a rule violation (dead-lettered) so operations see the conflict. By design it cannot happen: Inventory
//   releases only on a decline (never authorised, never shipped) or on Fulfillment's own withdrawal, which excludes a
//   shipment.
//
// Messages between shards are outputs in the outbox of the row that sends them (committed with the state change that
// causes them), so they survive a crash at any step and are delivered at least once; every handler is idempotent (a
// part row is written once per status change; a PartDecided for a part already decided is a no-op). They travel on an
// Inventory-owned internal hub ("inventory-shards", partition key = target shard) declared in schemas/catalog.json, so
// the kit's publisher, relay, dead letters and triggers carry them unchanged; the alternative (a table-local queue
// drained by the relay) would need a second delivery engine in the kit. State/StockPartition.cs does the routing.
//
// Changing N on a deployed system is a migration, not a setting change: every SKU and order may move. Stop the stock
// triggers (checkpoints hold), let outboxes drain, copy every row to its new partition with the new N (parts of
// in-flight sagas stay with their order: finish sagas first), switch N, restart. Not automated.

namespace Store.Inventory.Decisions;

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

/// <summary>Which shard a SKU or an order lives in.</summary>
public static class StockShards
{
    /// <summary>The shard (0..N-1) of a SKU or order id.</summary>
    public static int Of(string id, int shards) =>
        shards == 1 ? 0 : int.Parse(TableKeys.HashBucket(id, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) % shards;

    /// <summary>A shard as a partition key on the internal hub.</summary>
    public static string Key(int shard) => shard.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The table partition of a shard: "stock" when there is one shard, else "stock-&lt;shard&gt;".</summary>
    public static string Partition(int shard, int shards) => shards == 1 ? StockKeys.Partition : StockKeys.Partition + "-" + shard;
}

/// <summary>Where one shard's part of an order stands.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<PartStatus>))]
public enum PartStatus
{
    Pending,
    Reserved,
    Rejected,
    Released,
    Committed,
}

/// <summary>One shard's lines of an order and their status (in the order row for the home's part, as a part row in a remote shard).</summary>
public sealed record OrderPart(string OrderId, int Shard, IReadOnlyList<SkuQuantity> Lines, PartStatus Status, IReadOnlyList<ShortLine>? Short = null);

/// <summary>
/// An order as its home shard knows it: the saga's state, with every part (the home's own part lives only here).
/// <c>Status</c> is Reserved etc. once decided; null while reserving.
/// </summary>
public sealed record SagaOrder(string OrderId, string? CustomerId, OrderStatus? Status, IReadOnlyList<OrderPart> Parts, string? ReleaseReason = null, string? ReleaseRequested = null)
{
    /// <summary>Every line of the order, in part order.</summary>
    public IEnumerable<SkuQuantity> Lines => Parts.SelectMany(p => p.Lines);
}

/// <summary>Home → shard: reserve these lines all or none.</summary>
[CloudEventType(InventoryEventTypes.ReservePart)]
public sealed record ReservePart(string OrderId, int Shard, int Home, IReadOnlyList<SkuQuantity> Lines) : IOrderEvent
{
    /// <summary>The receiving shard: the message's partition key on the internal hub.</summary>
    public string Target => StockShards.Key(Shard);
}

/// <summary>Shard → home: the part is reserved, or short (with its short lines).</summary>
[CloudEventType(InventoryEventTypes.PartDecided)]
public sealed record PartDecided(string OrderId, int Home, int Shard, bool Reserved, IReadOnlyList<ShortLine> Short) : IOrderEvent
{
    /// <summary>The receiving shard (the home).</summary>
    public string Target => StockShards.Key(Home);
}

/// <summary>Home → shard: release the part (compensation, or the order's release).</summary>
[CloudEventType(InventoryEventTypes.ReleasePart)]
public sealed record ReleasePart(string OrderId, int Shard) : IOrderEvent
{
    public string Target => StockShards.Key(Shard);
}

/// <summary>Home → shard: commit the part (shipment requested).</summary>
[CloudEventType(InventoryEventTypes.CommitPart)]
public sealed record CommitPart(string OrderId, int Shard) : IOrderEvent
{
    public string Target => StockShards.Key(Shard);
}

/// <summary>The rows of one shard a decision reads.</summary>
public interface IShardView
{
    /// <summary>The SKU's stock; null when nothing was ever received for it.</summary>
    SkuStock? Sku(string sku);

    /// <summary>The order's row (at its home); null when the order is unknown.</summary>
    SagaOrder? Order(string orderId);

    /// <summary>A remote part of the order kept in this shard; null when none.</summary>
    OrderPart? Part(string orderId);

    /// <summary>The applied receipt; null when not applied.</summary>
    ReceiptRecord? Receipt(string receiptId);
}

/// <summary>
/// What one event or message does to one shard: new SKU rows, the order row (home), a remote part row, the receipt row,
/// and outputs in order (public events and messages to other shards), or a rule violation (nothing changes). No rows
/// and no outputs: a no-op (e.g. a duplicate).
/// </summary>
public sealed record ShardDecision(IReadOnlyList<SkuStock> Skus, SagaOrder? Order, OrderPart? Part, IReadOnlyList<object> Outputs, string? Violation = null, ReceiptRecord? Receipt = null)
{
    public static ShardDecision NoOp { get; } = new([], null, null, []);

    public bool IsNoOp => Violation is null && Skus.Count == 0 && Order is null && Part is null && Receipt is null && Outputs.Count == 0;

    public static ShardDecision Reject(string message) => new([], null, null, [], message);
}

/// <summary>Inventory's stock rules (the saga) as pure functions of one shard's rows and one event or message. No I/O, no clock.</summary>
public static class ShardedStockDecisions
{
    /// <summary>One event's rows must fit in one entity-group transaction (100): the order row plus at most 99 SKU rows.</summary>
    public const int MaxDistinctSkusPerOrder = 99;

    /// <summary>The largest quantity of one line in the event contracts; larger sums are split into several lines.</summary>
    public const int MaxContractLineQuantity = 1000;

    /// <summary>
    /// Decides an event at its shard: receipts at the SKU's shard, order events at the order's home, messages at their
    /// target. Null for anything else (e.g. Inventory's own outputs).
    /// </summary>
    public static ShardDecision? Decide(IShardView view, int shard, int shards, object data) => data switch
    {
        StockReceived e => Receive(view, e),
        OrderPlaced e => Place(view, shard, shards, e),
        OrderWithdrawn e => Release(view, shard, e.OrderId, e.CustomerId, ReleaseReasons.OrderCancelled),
        PaymentDeclined e => Release(view, shard, e.OrderId, e.CustomerId, ReleaseReasons.PaymentDeclined),
        ShipmentRequested e => Commit(view, shard, e.OrderId),
        ReservePart m => ReserveRemote(view, m),
        PartDecided m => OnDecided(view, shard, m),
        ReleasePart m => Move(view, m.OrderId, PartStatus.Released),
        CommitPart m => Move(view, m.OrderId, PartStatus.Committed),
        _ => null,
    };

    /// <summary>A goods receipt adds to available and received stock, once per receipt id.</summary>
    private static ShardDecision Receive(IShardView view, StockReceived e)
    {
        if (view.Receipt(e.ReceiptId) is { } applied)
        {
            return applied.Sku == e.Sku && applied.Quantity == e.Quantity
                ? ShardDecision.NoOp
                : ShardDecision.Reject($"Receipt '{e.ReceiptId}' was already applied as {applied.Quantity} x '{applied.Sku}'; a different receipt under the same id is refused.");
        }

        if (e.Quantity < 1)
        {
            return ShardDecision.Reject($"Receipt '{e.ReceiptId}' has quantity {e.Quantity}; it must be at least 1.");
        }

        var sku = view.Sku(e.Sku) ?? SkuStock.Empty(e.Sku);
        var updated = sku with { Available = sku.Available + e.Quantity, Received = sku.Received + e.Quantity };
        return new ShardDecision([updated], null, null, [], Receipt: new ReceiptRecord(e.ReceiptId, e.Sku, e.Quantity));
    }

    /// <summary>
    /// At the home: a new order is split into parts; the home's own part is reserved all or none in this transaction,
    /// the other shards are asked. A known order (already placed, or voided by an earlier release) is a no-op.
    /// </summary>
    private static ShardDecision Place(IShardView view, int home, int shards, OrderPlaced e)
    {
        if (view.Order(e.OrderId) is not null)
        {
            return ShardDecision.NoOp;
        }

        var lines = SumLines(e.Lines);
        if (lines.Count > MaxDistinctSkusPerOrder)
        {
            return ShardDecision.Reject(
                $"Order '{e.OrderId}' names {lines.Count} distinct SKUs; Inventory reserves at most {MaxDistinctSkusPerOrder} per order (one atomic table transaction).");
        }

        var parts = lines.GroupBy(l => StockShards.Of(l.Sku, shards)).OrderBy(g => g.Key != home).ThenBy(g => g.Key)
            .Select(g => new OrderPart(e.OrderId, g.Key, g.ToArray(), PartStatus.Pending)).ToList();
        List<SkuStock> skus = [];
        if (parts.Count > 0 && parts[0].Shard == home)
        {
            (parts[0], skus) = Reserve(view, parts[0]);
        }

        var order = new SagaOrder(e.OrderId, e.CustomerId, null, parts);
        var messages = parts.Where(p => p.Shard != home).Select(p => (object)new ReservePart(e.OrderId, p.Shard, home, p.Lines)).ToList();
        if (messages.Count > 0)
        {
            return new ShardDecision(skus, order, null, messages);
        }

        // Every line in the home shard (always so with N = 1): decided in this one transaction (nothing to release).
        return Finish(view, home, order) with { Skus = skus };
    }

    /// <summary>At a remote shard: reserve a part all or none (once: a part row that exists answers nothing new).</summary>
    private static ShardDecision ReserveRemote(IShardView view, ReservePart m)
    {
        if (view.Part(m.OrderId) is not null)
        {
            return ShardDecision.NoOp;
        }

        var (part, skus) = Reserve(view, new OrderPart(m.OrderId, m.Shard, m.Lines, PartStatus.Pending));
        return new ShardDecision(skus, null, part, [new PartDecided(m.OrderId, m.Home, m.Shard, part.Status == PartStatus.Reserved, part.Short ?? [])]);
    }

    /// <summary>At the home: record a shard's answer; when all parts answered, decide the order.</summary>
    private static ShardDecision OnDecided(IShardView view, int home, PartDecided m)
    {
        var order = view.Order(m.OrderId);
        var index = order?.Parts.ToList().FindIndex(p => p.Shard == m.Shard) ?? -1;
        if (order is null || order.Status is not null || index < 0 || order.Parts[index].Status != PartStatus.Pending)
        {
            return ShardDecision.NoOp;
        }

        var parts = order.Parts.ToArray();
        parts[index] = parts[index] with { Status = m.Reserved ? PartStatus.Reserved : PartStatus.Rejected, Short = m.Short };
        return Finish(view, home, order with { Parts = parts });
    }

    /// <summary>
    /// When every part has answered: reserved (and released at once if a release is waiting) or rejected with every
    /// short line, releasing the parts that reserved. Until then only the order row changes.
    /// </summary>
    private static ShardDecision Finish(IShardView view, int home, SagaOrder order)
    {
        if (order.Parts.Any(p => p.Status == PartStatus.Pending))
        {
            return new ShardDecision([], order, null, []);
        }

        if (order.Parts.All(p => p.Status == PartStatus.Reserved))
        {
            var reserved = order with { Status = OrderStatus.Reserved };
            var output = new StockReserved(order.OrderId, order.CustomerId!, ContractLines(order.Lines));
            return order.ReleaseRequested is { } reason
                ? ReleaseReserved(view, home, reserved, order.CustomerId, reason, output)
                : new ShardDecision([], reserved, null, [output]);
        }

        var shortLines = order.Parts.SelectMany(p => p.Short ?? []).ToArray();
        var rejected = MoveReserved(view, home, order with { Status = OrderStatus.Rejected }, PartStatus.Released);
        return rejected with { Outputs = [.. rejected.Outputs, new StockReservationRejected(order.OrderId, order.CustomerId!, shortLines)] };
    }

    /// <summary>Releases a reserved order: <paramref name="before"/>, the release messages, then <see cref="StockReleased"/>.</summary>
    private static ShardDecision ReleaseReserved(IShardView view, int home, SagaOrder order, string? customerId, string reason, params object[] before)
    {
        var released = MoveReserved(view, home, order with { Status = OrderStatus.Released, ReleaseReason = reason }, PartStatus.Released);
        return released with { Outputs = [.. before, .. released.Outputs, new StockReleased(order.OrderId, customerId, ContractLines(order.Lines), reason)] };
    }

    /// <summary>Moves every reserved part of <paramref name="order"/> (already carrying its new status) to released or committed: the home's own here, the others by message.</summary>
    private static ShardDecision MoveReserved(IShardView view, int home, SagaOrder order, PartStatus to)
    {
        var skus = new List<SkuStock>();
        var messages = new List<object>();
        var parts = order.Parts.Select(p =>
        {
            if (p.Status != PartStatus.Reserved)
            {
                return p;
            }

            if (p.Shard == home)
            {
                skus.AddRange(MovePart(view, p, to));
            }
            else
            {
                messages.Add(to == PartStatus.Released ? new ReleasePart(order.OrderId, p.Shard) : new CommitPart(order.OrderId, p.Shard));
            }

            return p with { Status = to };
        }).ToArray();
        return new ShardDecision(skus, order with { Parts = parts }, null, messages);
    }

    /// <summary>
    /// At the home: release a reserved order once (<see cref="StockReleased"/>); remember a release that arrives while
    /// reserving; leave a Voided tombstone for an unknown order (so an order-placed arriving later reserves nothing).
    /// Rejected, released, committed or voided orders: no-op.
    /// </summary>
    private static ShardDecision Release(IShardView view, int home, string orderId, string? customerId, string reason)
    {
        var order = view.Order(orderId);
        return order switch
        {
            null => new ShardDecision([], new SagaOrder(orderId, customerId, OrderStatus.Voided, [], reason), null, []),
            { Status: null, ReleaseRequested: null } => new ShardDecision([], order with { ReleaseRequested = reason }, null, []),
            { Status: OrderStatus.Reserved } => ReleaseReserved(view, home, order, order.CustomerId ?? customerId, reason),
            _ => ShardDecision.NoOp,
        };
    }

    /// <summary>At the home: commit a reserved order's parts (shipment requested); committed again: no-op; not reserved: rule violation.</summary>
    private static ShardDecision Commit(IShardView view, int home, string orderId)
    {
        var order = view.Order(orderId);
        return order switch
        {
            { Status: OrderStatus.Reserved } => MoveReserved(view, home, order with { Status = OrderStatus.Committed }, PartStatus.Committed),
            { Status: OrderStatus.Committed } => ShardDecision.NoOp,
            _ => ShardDecision.Reject(order switch
            {
                null => $"Shipment requested for order '{orderId}', which Inventory never reserved.",
                { Status: null } => $"Shipment requested for order '{orderId}', whose reservation is not complete: no stock to commit.",
                _ => $"Shipment requested for order '{orderId}', whose reservation is {order.Status!.Value.ToString().ToLowerInvariant()}{(order.ReleaseReason is { } r ? " (" + r + ")" : "")}: no stock to commit.",
            }),
        };
    }

    /// <summary>At a remote shard: release or commit its reserved part once.</summary>
    private static ShardDecision Move(IShardView view, string orderId, PartStatus to)
    {
        var part = view.Part(orderId);
        if (part is null)
        {
            return ShardDecision.Reject($"No part of order '{orderId}' in this shard to {to.ToString().ToLowerInvariant()}.");
        }

        return part.Status != PartStatus.Reserved ? ShardDecision.NoOp : new ShardDecision(MovePart(view, part, to), null, part with { Status = to }, []);
    }

    /// <summary>Sums an order's lines per SKU (ordinal), in order of first appearance.</summary>
    private static IReadOnlyList<SkuQuantity> SumLines(IEnumerable<OrderPlacedLine> lines) =>
        lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g => new SkuQuantity(g.Key, g.Sum(l => l.Quantity))).ToArray();

    /// <summary>
    /// Lines as the event contracts allow them (quantity ≤ 1000 per line): one line per SKU, and a SKU whose summed
    /// quantity exceeds 1000 becomes several lines of the same SKU that add up to the sum.
    /// </summary>
    private static IReadOnlyList<StockLine> ContractLines(IEnumerable<SkuQuantity> lines) =>
        lines.SelectMany(l => Split(l.Quantity).Select(q => new StockLine(l.Sku, q))).ToArray();

    private static IEnumerable<int> Split(int quantity)
    {
        for (var left = quantity; left > 0; left -= MaxContractLineQuantity)
        {
            yield return Math.Min(left, MaxContractLineQuantity);
        }
    }

    /// <summary>Reserves a part's lines all or none: Reserved with the moved SKU rows, or Rejected with its short lines and no rows.</summary>
    private static (OrderPart Part, List<SkuStock> Skus) Reserve(IShardView view, OrderPart part)
    {
        var shortLines = new List<ShortLine>();
        var skus = new List<SkuStock>();
        foreach (var line in part.Lines)
        {
            var sku = view.Sku(line.Sku) ?? SkuStock.Empty(line.Sku);
            if (sku.Available < line.Quantity)
            {
                shortLines.AddRange(Split(line.Quantity).Select(q => new ShortLine(line.Sku, q, sku.Available)));
            }
            else
            {
                skus.Add(sku with { Available = sku.Available - line.Quantity, Reserved = sku.Reserved + line.Quantity });
            }
        }

        return shortLines.Count > 0 ? (part with { Status = PartStatus.Rejected, Short = shortLines }, []) : (part with { Status = PartStatus.Reserved }, skus);
    }

    /// <summary>The SKU rows of a reserved part moved to released (back to available) or committed.</summary>
    private static List<SkuStock> MovePart(IShardView view, OrderPart part, PartStatus to) => part.Lines.Select(line =>
    {
        var sku = view.Sku(line.Sku) ?? throw new InvalidOperationException($"Reserved part of '{part.OrderId}' refers to SKU '{line.Sku}' that has no stock row.");
        return to == PartStatus.Released
            ? sku with { Available = sku.Available + line.Quantity, Reserved = sku.Reserved - line.Quantity }
            : sku with { Reserved = sku.Reserved - line.Quantity, Committed = sku.Committed + line.Quantity };
    }).ToList();
}
