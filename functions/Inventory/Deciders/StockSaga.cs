namespace Store.Inventory.Deciders;

/// <summary>Inventory's stock rules (the saga, see README.md) as pure functions of one shard's rows and one event or message. No I/O, no clock.</summary>
public static class StockSaga
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
        return new ShardDecision { Skus = [updated], Receipt = new ReceiptRecord(e.ReceiptId, e.Sku, e.Quantity) };
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
            return new ShardDecision { Skus = skus, Order = order, Outputs = messages };
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
        return new ShardDecision { Skus = skus, Part = part, Outputs = [new PartDecided(m.OrderId, m.Home, m.Shard, part.Status == PartStatus.Reserved, part.Short ?? [])] };
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
            return new ShardDecision { Order = order };
        }

        if (order.Parts.All(p => p.Status == PartStatus.Reserved))
        {
            var reserved = order with { Status = OrderStatus.Reserved };
            var output = new StockReserved(order.OrderId, order.CustomerId!, ContractLines(order.Lines));
            return order.ReleaseRequested is { } reason
                ? ReleaseReserved(view, home, reserved, order.CustomerId, reason, output)
                : new ShardDecision { Order = reserved, Outputs = [output] };
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
        return new ShardDecision { Skus = skus, Order = order with { Parts = parts }, Outputs = messages };
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
            null => new ShardDecision { Order = new SagaOrder(orderId, customerId, OrderStatus.Voided, [], reason) },
            { Status: null, ReleaseRequested: null } => new ShardDecision { Order = order with { ReleaseRequested = reason } },
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

        return part.Status != PartStatus.Reserved ? ShardDecision.NoOp : new ShardDecision { Skus = MovePart(view, part, to), Part = part with { Status = to } };
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
