// Sharded stock (issue 15): the reservation saga's pure decisions. Wired by State/StockPartition.cs when
// Inventory:StockShards = N > 1 (N = 1 runs today's single "stock" partition through InventoryDecisions).
//
// Shards. A SKU lives in shard hash(sku) mod N (the kit's one bucket hash, TableKeys.HashBucket), table partition
// "stock-<shard>"; N = 1 keeps today's partition name "stock". An order's row lives in its HOME shard, hash(orderId)
// mod N ("the order's row, partitioned by order id"), because order-withdrawn and payment-declined carry only the order
// id: every event about an order must find its row without knowing its lines. Each shard has its own rows and outbox.
//
// Saga. The home splits the order's lines per shard into parts. Each part is reserved all-or-nothing in ONE transaction
// of its shard (a part row "part|<orderId>" plus its SKU rows): the home's own part in the same transaction as the
// order row (so an order whose lines are all in its home shard reserves in one transaction, exactly as today), every
// other part by a ReservePart message (an order whose lines all sit in one other shard is still reserved in one
// transaction there, and never needs compensation; only the home's bookkeeping is separate). Each shard answers PartDecided. When every part has answered: all reserved ->
// stock-reserved; any short -> parts that reserved are released (ReleasePart) and stock-reservation-rejected lists every
// short line. Releases and commits take the same path (ReleasePart, CommitPart). A release that arrives while the order
// is still reserving is remembered and executed when the last answer arrives (then stock-reserved and stock-released go
// out together, in that order), so no reservation outlives its order.
//
// Messages between shards are outputs in the outbox of the row that sends them (committed with the state change that
// causes them), so they survive a crash at any step and are delivered at least once; every handler is idempotent (a
// part row is written once per status change; a PartDecided for a part already decided is a no-op). Transport design
// choice: an Inventory-owned internal hub ("inventory-shards", partition key = target shard) declared in
// schemas/catalog.json, so the kit's publisher, relay, dead letters and triggers carry the messages unchanged; the
// alternative (a table-local queue drained by the relay) would need a second delivery engine in the kit.
//
// Changing N on a deployed system is a migration, not a setting change: every SKU and order may move. Stop the stock
// triggers (checkpoints hold), let outboxes drain, copy every row to its new partition with the new N (parts of
// in-flight sagas stay with their order: finish sagas first), switch N, restart. Not automated.
//
// Wiring: StockPartition routes each event to its shard (receipts: the SKU's; order events and PartDecided: the order's
// home; ReservePart/ReleasePart/CommitPart: their target) and turns a ShardDecision into row changes whose outputs sit in
// the order row's (or part row's) outbox. The messages travel on the internal hub "inventory-shards" (partition key
// "target" = the receiving shard) and come back through StockEventFunctions.OnInventoryShards. Property tests
// (tests/Inventory.Tests/Decisions/ShardedStockPropertyTests.cs) check the invariants at N = 1 and N = 4.
using Store.Eventing.CloudEvents;
using Store.Eventing.State;
using Store.Inventory.Events;
using Store.Inventory.State;

namespace Store.Inventory.Decisions;

/// <summary>Which shard a SKU or an order lives in.</summary>
public static class StockShards
{
    /// <summary>The shard (0..N-1) of a SKU or order id.</summary>
    public static int Of(string id, int shards) =>
        shards == 1 ? 0 : int.Parse(TableKeys.HashBucket(id, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) % shards;

    /// <summary>A shard as a partition key on the internal hub.</summary>
    public static string Key(int shard) => shard.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The table partition of a shard: "stock" when there is one shard (today's layout), else "stock-&lt;shard&gt;".</summary>
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

/// <summary>One shard's lines of an order and their status (as a part row in that shard, or as the home knows it).</summary>
public sealed record OrderPart(string OrderId, int Shard, IReadOnlyList<SkuQuantity> Lines, PartStatus Status, IReadOnlyList<ShortLine>? Short = null);

/// <summary>An order as its home shard knows it: the saga's state. <c>Status</c> is Reserved etc. once decided; null while reserving.</summary>
public sealed record SagaOrder(string OrderId, string? CustomerId, OrderStatus? Status, IReadOnlyList<OrderPart> Parts, string? ReleaseReason = null, string? ReleaseRequested = null)
{
    /// <summary>Every line of the order, in part order.</summary>
    public IEnumerable<SkuQuantity> Lines => Parts.SelectMany(p => p.Lines);
}

/// <summary>Home → shard: reserve these lines all or none.</summary>
[CloudEventType(InventoryEventTypes.ReservePart)]
public sealed record ReservePart(string OrderId, int Shard, int Home, IReadOnlyList<SkuQuantity> Lines)
{
    /// <summary>The receiving shard: the message's partition key on the internal hub.</summary>
    public string Target => StockShards.Key(Shard);
}

/// <summary>Shard → home: the part is reserved, or short (with its short lines).</summary>
[CloudEventType(InventoryEventTypes.PartDecided)]
public sealed record PartDecided(string OrderId, int Home, int Shard, bool Reserved, IReadOnlyList<ShortLine> Short)
{
    /// <summary>The receiving shard (the home).</summary>
    public string Target => StockShards.Key(Home);
}

/// <summary>Home → shard: release the part (compensation, or the order's release).</summary>
[CloudEventType(InventoryEventTypes.ReleasePart)]
public sealed record ReleasePart(string OrderId, int Shard)
{
    /// <summary>The receiving shard.</summary>
    public string Target => StockShards.Key(Shard);
}

/// <summary>Home → shard: commit the part (shipment requested).</summary>
[CloudEventType(InventoryEventTypes.CommitPart)]
public sealed record CommitPart(string OrderId, int Shard)
{
    /// <summary>The receiving shard.</summary>
    public string Target => StockShards.Key(Shard);
}

/// <summary>The rows of one shard a decision reads.</summary>
public interface IShardView
{
    SkuStock? Sku(string sku);

    SagaOrder? Order(string orderId);

    OrderPart? Part(string orderId);

    ReceiptRecord? Receipt(string receiptId);
}

/// <summary>
/// What one event or message does to one shard: new SKU rows, the order row (home) and part row, and outputs in order
/// (public events and messages to other shards), or a rule violation.
/// </summary>
public sealed record ShardDecision(IReadOnlyList<SkuStock> Skus, SagaOrder? Order, OrderPart? Part, IReadOnlyList<object> Outputs, string? Violation = null, ReceiptRecord? Receipt = null)
{
    public static ShardDecision NoOp { get; } = new([], null, null, []);

    public bool IsNoOp => Violation is null && Skus.Count == 0 && Order is null && Part is null && Receipt is null && Outputs.Count == 0;
}

/// <summary>The saga's rules as pure functions of one shard's rows and one event or message.</summary>
public static class ShardedStockDecisions
{
    /// <summary>
    /// Decides an event at its shard: receipts at the SKU's shard, order events at the order's home, messages at their
    /// target. Null for anything else.
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

    private static ShardDecision Receive(IShardView view, StockReceived e)
    {
        var d = InventoryDecisions.Receive(new StockView(view), e);
        return new ShardDecision(d.Skus, null, null, [], d.Violation, d.Receipt);
    }

    /// <summary>At the home: split into parts, reserve the home's own part in this transaction, ask the other shards.</summary>
    public static ShardDecision Place(IShardView view, int home, int shards, OrderPlaced e)
    {
        if (view.Order(e.OrderId) is not null)
        {
            return ShardDecision.NoOp;
        }

        var lines = InventoryDecisions.SumLines(e.Lines);
        var parts = lines.GroupBy(l => StockShards.Of(l.Sku, shards)).OrderBy(g => g.Key != home).ThenBy(g => g.Key)
            .Select(g => new OrderPart(e.OrderId, g.Key, g.ToArray(), PartStatus.Pending)).ToList();
        var skus = new List<SkuStock>();
        OrderPart? local = null;
        if (parts[0].Shard == home)
        {
            (local, skus) = Reserve(view, parts[0]);
            parts[0] = local;
        }

        var order = new SagaOrder(e.OrderId, e.CustomerId, null, parts);
        var messages = parts.Where(p => p.Shard != home).Select(p => (object)new ReservePart(e.OrderId, p.Shard, home, p.Lines)).ToList();
        if (messages.Count > 0)
        {
            return new ShardDecision(skus, order, local, messages);
        }

        // Every line in the home shard: decided in this one transaction, as with a single shard (nothing to release).
        return Finish(view, home, order, local) with { Skus = skus, Part = local };
    }

    /// <summary>At a shard: reserve a part all or none (once: a part row that exists answers nothing new).</summary>
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
        return Finish(view, home, order with { Parts = parts }, view.Part(m.OrderId));
    }

    /// <summary>
    /// When every part has answered: reserved (and released at once if a release is waiting) or rejected with every
    /// short line, releasing the parts that reserved. Until then only the order row changes.
    /// </summary>
    private static ShardDecision Finish(IShardView view, int home, SagaOrder order, OrderPart? local)
    {
        if (order.Parts.Any(p => p.Status == PartStatus.Pending))
        {
            return new ShardDecision([], order, null, []);
        }

        var lines = InventoryDecisions.ContractLines(order.Lines);
        if (order.Parts.All(p => p.Status == PartStatus.Reserved))
        {
            var reserved = order with { Status = OrderStatus.Reserved };
            var output = new StockReserved(order.OrderId, order.CustomerId!, lines);
            if (order.ReleaseRequested is not { } reason)
            {
                return new ShardDecision([], reserved, null, [output]);
            }

            var released = ReleaseAll(view, home, reserved, local, OrderStatus.Released, reason);
            return released with { Outputs = [output, .. released.Outputs, new StockReleased(order.OrderId, order.CustomerId, lines, reason)] };
        }

        var shortLines = order.Parts.SelectMany(p => p.Short ?? []).ToArray();
        var rejected = ReleaseAll(view, home, order, local, OrderStatus.Rejected, null);
        return rejected with { Outputs = [.. rejected.Outputs, new StockReservationRejected(order.OrderId, order.CustomerId!, shortLines)] };
    }

    /// <summary>Releases every reserved part (the home's own here, the others by message).</summary>
    private static ShardDecision ReleaseAll(IShardView view, int home, SagaOrder order, OrderPart? local, OrderStatus status, string? reason)
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
                (local, var moved) = MovePart(view, local ?? p, PartStatus.Released);
                skus.AddRange(moved);
            }
            else
            {
                messages.Add(new ReleasePart(order.OrderId, p.Shard));
            }

            return p with { Status = PartStatus.Released };
        }).ToArray();
        return new ShardDecision(skus, order with { Status = status, Parts = parts, ReleaseReason = reason ?? order.ReleaseReason }, local, messages);
    }

    /// <summary>At the home: release a reserved order once; remember a release that arrives while reserving; void an unknown order.</summary>
    public static ShardDecision Release(IShardView view, int home, string orderId, string? customerId, string reason)
    {
        var order = view.Order(orderId);
        switch (order?.Status)
        {
            case null when order is null:
                return new ShardDecision([], new SagaOrder(orderId, customerId, OrderStatus.Voided, [], reason), null, []);
            case null:
                return order.ReleaseRequested is null ? new ShardDecision([], order with { ReleaseRequested = reason }, null, []) : ShardDecision.NoOp;
            case OrderStatus.Reserved:
                var released = ReleaseAll(view, home, order, view.Part(orderId), OrderStatus.Released, reason);
                return released with { Outputs = [.. released.Outputs, new StockReleased(orderId, order.CustomerId ?? customerId, InventoryDecisions.ContractLines(order.Lines), reason)] };
            default:
                return ShardDecision.NoOp;
        }
    }

    /// <summary>At the home: commit a reserved order's parts (shipment requested); not reserved: rule violation, as with one shard.</summary>
    public static ShardDecision Commit(IShardView view, int home, string orderId)
    {
        var order = view.Order(orderId);
        if (order?.Status == OrderStatus.Committed)
        {
            return ShardDecision.NoOp;
        }

        if (order?.Status != OrderStatus.Reserved)
        {
            return new ShardDecision([], null, null, [], $"Shipment requested for order '{orderId}', whose reservation is {order?.Status?.ToString().ToLowerInvariant() ?? (order is null ? "unknown" : "not complete")}: no stock to commit.");
        }

        var skus = new List<SkuStock>();
        OrderPart? local = null;
        var messages = new List<object>();
        foreach (var p in order.Parts)
        {
            if (p.Shard == home)
            {
                (local, var moved) = MovePart(view, view.Part(orderId)!, PartStatus.Committed);
                skus.AddRange(moved);
            }
            else
            {
                messages.Add(new CommitPart(orderId, p.Shard));
            }
        }

        return new ShardDecision(skus, order with { Status = OrderStatus.Committed, Parts = [.. order.Parts.Select(p => p with { Status = PartStatus.Committed })] }, local, messages);
    }

    /// <summary>At a shard: release or commit its reserved part once.</summary>
    private static ShardDecision Move(IShardView view, string orderId, PartStatus to)
    {
        var part = view.Part(orderId);
        if (part is null)
        {
            return new ShardDecision([], null, null, [], $"No part of order '{orderId}' in this shard to {to.ToString().ToLowerInvariant()}.");
        }

        if (part.Status != PartStatus.Reserved)
        {
            return ShardDecision.NoOp;
        }

        var (moved, skus) = MovePart(view, part, to);
        return new ShardDecision(skus, null, moved, []);
    }

    private static (OrderPart Part, List<SkuStock> Skus) Reserve(IShardView view, OrderPart part)
    {
        var shortLines = new List<ShortLine>();
        var skus = new List<SkuStock>();
        foreach (var line in part.Lines)
        {
            var sku = view.Sku(line.Sku) ?? SkuStock.Empty(line.Sku);
            if (sku.Available < line.Quantity)
            {
                shortLines.AddRange(InventoryDecisions.ContractLines([line]).Select(l => new ShortLine(l.Sku, l.Quantity, sku.Available)));
            }
            else
            {
                skus.Add(sku with { Available = sku.Available - line.Quantity, Reserved = sku.Reserved + line.Quantity });
            }
        }

        return shortLines.Count > 0 ? (part with { Status = PartStatus.Rejected, Short = shortLines }, []) : (part with { Status = PartStatus.Reserved }, skus);
    }

    private static (OrderPart Part, List<SkuStock> Skus) MovePart(IShardView view, OrderPart part, PartStatus to)
    {
        var skus = part.Lines.Select(line =>
        {
            var sku = view.Sku(line.Sku) ?? throw new InvalidOperationException($"Reserved part of '{part.OrderId}' refers to SKU '{line.Sku}' that has no stock row.");
            return to == PartStatus.Released
                ? sku with { Available = sku.Available + line.Quantity, Reserved = sku.Reserved - line.Quantity }
                : sku with { Reserved = sku.Reserved - line.Quantity, Committed = sku.Committed + line.Quantity };
        }).ToList();
        return (part with { Status = to }, skus);
    }

    private sealed class StockView(IShardView view) : IStockView
    {
        public SkuStock? Sku(string sku) => view.Sku(sku);

        public OrderReservation? Order(string orderId) => null;

        public ReceiptRecord? Receipt(string receiptId) => view.Receipt(receiptId);
    }
}
