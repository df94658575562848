namespace Store.Inventory.Tests.Decisions;

/// <summary>
/// N stock shards in memory and the saga messages between them, applying <see cref="StockSaga"/> the way
/// the processor does: each decision atomically to one shard's rows (as an ETag-conditioned transaction does), unless it
/// is a rule violation; messages wait in a bag until delivered (at least once, in any order). For pure and property tests.
/// </summary>
internal sealed class InMemoryStock(int shards = 1)
{
    private readonly Shard[] _shards = [.. Enumerable.Range(0, shards).Select(i => new Shard(i))];
    private readonly List<(int Shard, object Message)> _bag = [];

    public int ShardCount => shards;

    public IReadOnlyList<Shard> Shards => _shards;

    /// <summary>Messages sent and not yet delivered (or to be delivered again).</summary>
    public int Pending => _bag.Count;

    /// <summary>Every public event published so far, in order.</summary>
    public List<object> Published { get; } = [];

    // Keys are unique across shards (a SKU and its receipts in the SKU's shard, an order row in its home), so the union is a map.
    public IReadOnlyDictionary<string, SkuStock> Skus => _shards.SelectMany(s => s.Skus).ToDictionary(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, SagaOrder> Orders => _shards.SelectMany(s => s.Orders).ToDictionary(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ReceiptRecord> Receipts => _shards.SelectMany(s => s.Receipts).ToDictionary(StringComparer.Ordinal);

    /// <summary>Every part of an order: the home's own part (in the order row) and the part rows of remote shards.</summary>
    public IEnumerable<OrderPart> PartsOf(string orderId) =>
        (Orders.GetValueOrDefault(orderId)?.Parts.Where(p => p.Shard == StockShards.Of(orderId, shards)) ?? [])
            .Concat(_shards.Select(s => s.Part(orderId)).OfType<OrderPart>());

    /// <summary>The shard an input event is decided at: a receipt at its SKU's, an order event at the order's home.</summary>
    public int ShardOf(object data) => StockShards.Of(data switch
    {
        StockReceived r => r.Sku,
        OrderPlaced o => o.OrderId,
        OrderWithdrawn w => w.OrderId,
        PaymentDeclined d => d.OrderId,
        ShipmentRequested s => s.OrderId,
        _ => throw new ArgumentException($"Not an Inventory input: {data.GetType().Name}"),
    }, shards);

    /// <summary>Decides an input event at its shard and applies it; its messages wait in the bag.</summary>
    public ShardDecision Input(object data) => Decide(ShardOf(data), data);

    /// <summary>
    /// Applies an input and then delivers every waiting message in order until none is left: the outcome of the event
    /// without interleaving (with one shard: exactly one decision).
    /// </summary>
    public Applied Apply(object data)
    {
        var decisions = new List<ShardDecision> { Input(data) };
        while (_bag.Count > 0)
        {
            decisions.Add(Deliver(0, again: false));
        }

        return new Applied(decisions);
    }

    /// <summary>Delivers a waiting message; with <paramref name="again"/> it stays in the bag (it will be delivered again).</summary>
    public ShardDecision Deliver(int index, bool again)
    {
        var (shard, message) = _bag[index];
        if (!again)
        {
            _bag.RemoveAt(index);
        }

        return Decide(shard, message);
    }

    public InMemoryStock With(params object[] events)
    {
        foreach (var e in events)
        {
            Apply(e);
        }

        return this;
    }

    /// <summary>A decision's public events (its other outputs are saga messages).</summary>
    public static IEnumerable<object> PublicOutputs(ShardDecision decision) => decision.Outputs.Where(o => TargetOf(o) is null);

    private static int? TargetOf(object output) => output switch
    {
        ReservePart m => m.Shard,
        PartDecided m => m.Home,
        ReleasePart m => m.Shard,
        CommitPart m => m.Shard,
        _ => null,
    };

    private ShardDecision Decide(int shard, object data)
    {
        var decision = StockSaga.Decide(_shards[shard], shard, shards, data) ?? throw new ArgumentException($"Not an Inventory input: {data.GetType().Name}");
        if (decision.Violation is not null)
        {
            return decision;
        }

        _shards[shard].Apply(decision);
        foreach (var output in decision.Outputs)
        {
            if (TargetOf(output) is { } target)
            {
                _bag.Add((target, output));
            }
            else
            {
                Published.Add(output);
            }
        }

        return decision;
    }

    /// <summary>One shard's rows.</summary>
    internal sealed class Shard(int index) : IShardView
    {
        public int Index => index;

        public Dictionary<string, SkuStock> Skus { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SagaOrder> Orders { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, OrderPart> Parts { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, ReceiptRecord> Receipts { get; } = new(StringComparer.Ordinal);

        public SkuStock? Sku(string sku) => Skus.GetValueOrDefault(sku);

        public SagaOrder? Order(string orderId) => Orders.GetValueOrDefault(orderId);

        public OrderPart? Part(string orderId) => Parts.GetValueOrDefault(orderId);

        public ReceiptRecord? Receipt(string receiptId) => Receipts.GetValueOrDefault(receiptId);

        public void Apply(ShardDecision decision)
        {
            foreach (var sku in decision.Skus)
            {
                Skus[sku.Sku] = sku;
            }

            if (decision.Order is { } order)
            {
                Orders[order.OrderId] = order;
            }

            if (decision.Part is { } part)
            {
                Parts[part.OrderId] = part;
            }

            if (decision.Receipt is { } receipt)
            {
                Receipts[receipt.ReceiptId] = receipt;
            }
        }
    }
}

/// <summary>What one input did, with the saga messages it caused delivered: every decision in order.</summary>
internal sealed record Applied(IReadOnlyList<ShardDecision> Decisions)
{
    /// <summary>The first rule violation (the input's; the messages of an applied input never violate a rule).</summary>
    public string? Violation => Decisions.Select(d => d.Violation).FirstOrDefault(v => v is not null);

    /// <summary>The public events, in order.</summary>
    public IReadOnlyList<object> Published => [.. Decisions.SelectMany(InMemoryStock.PublicOutputs)];

    /// <summary>The one public event; null when none.</summary>
    public object? Output => Published.SingleOrDefault();

    /// <summary>Every SKU row written.</summary>
    public IReadOnlyList<SkuStock> Skus => [.. Decisions.SelectMany(d => d.Skus)];

    public bool IsNoOp => Decisions.All(d => d.IsNoOp);
}
