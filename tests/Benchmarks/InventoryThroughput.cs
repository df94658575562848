using Store.Inventory;
using Store.Inventory.Deciders;
using Store.Inventory.Events;
using Store.Inventory.State;

namespace Store.Benchmarks;

/// <summary>
/// (a) Inventory-like load through the shipped kit's <see cref="PartitionBatchProcessor{TRow}"/> over Inventory's <see cref="StockDecider"/> (coalesced reads, row cache, ≤100-row
/// transactions) and through <see cref="PerEventStockProcessor"/> (per-event read-modify-write), same events, same Azurite.
/// </summary>
internal static class InventoryThroughput
{
    public const int Partitions = 4;
    public const int BatchSize = 100;
    private const int Skus = 500;

    public static async Task RunAsync(Storage storage, int orders)
    {
        var load = InventoryLoad.Create(orders, Skus, Partitions, seed: 6);
        Report.Line($"Inventory load: {load.Total} events ({orders} orders placed; then 70% shipped, 20% payment declined, 10% cancelled), " +
            $"{Skus} SKUs, {Partitions} concurrent source partitions, batches of {BatchSize}; pre-decoded events (decode is measured in 'hotpath').");

        var (shipped, shippedTable) = await RunShippedAsync(storage, load).ConfigureAwait(false);
        var (baseline, baselineTable) = await RunBaselineAsync(storage, load).ConfigureAwait(false);

        var same = await SameStockAsync(shippedTable, baselineTable).ConfigureAwait(false);
        Report.Line($"  final SKU rows identical in both tables: {same}");
        Report.Summary($"(a) Inventory: shipped {Report.F(shipped.EventsPerSecond)} events/s ({Report.F(shipped.RoundTripsPerEvent, "0.000")} table round trips/event, " +
            $"{Report.F(shipped.TransactionsPerBatch, "0.0")} transactions/batch) vs per-event baseline {Report.F(baseline.EventsPerSecond)} events/s " +
            $"({Report.F(baseline.RoundTripsPerEvent, "0.00")} round trips/event): {Report.F(shipped.EventsPerSecond / baseline.EventsPerSecond, "0.0")}x" +
            $"  [targets: >= 10x, >= 8,000 events/s; same final stock: {same}]");

        await RunModelledAsync(storage, Math.Max(200, orders / 5)).ConfigureAwait(false);
    }

    /// <summary>
    /// The same comparison through the Azure Tables model (tests/TestSupport/AzureTablesModel.cs): 5 ms per request,
    /// 2,000 entities/s per partition, 20,000 per account, 503 ServerBusy beyond them (retried by the Tables client, then
    /// by redelivering the batch as the trigger would). Besides the measured rates it prints the model's ceilings from the
    /// measured entities per event (what the run would reach if only the modelled service limited it): a short run is
    /// partly paid by the model's one-second burst, and on this machine Azurite's own CPU can bind first.
    /// </summary>
    private static async Task RunModelledAsync(Storage storage, int orders)
    {
        var model = new Store.TestSupport.AzureTablesModel(TimeSpan.FromMilliseconds(5));
        var service = new TableServiceClient(storage.ConnectionString, new TableClientOptions { Transport = model });
        var load = InventoryLoad.Create(orders, Skus, Partitions, seed: 7);
        Report.Line($"Inventory @ 5 ms table latency (Azure Tables model: 2,000 entities/s per partition, 20,000 per account): {load.Total} events ({orders} orders)");
        var (entities, throttled) = (model.Entities, model.Throttled);
        var (shipped, _) = await RunShippedAsync(storage, load, service).ConfigureAwait(false);
        var shippedCost = (double)(model.Entities - entities) / load.Total;
        Report.Line($"    {model.Entities - entities} entities ({Report.F(shippedCost, "0.00")}/event), {model.Throttled - throttled} answers 503");
        (entities, throttled) = (model.Entities, model.Throttled);
        var (baseline, _) = await RunBaselineAsync(storage, load, service).ConfigureAwait(false);
        Report.Line($"    {model.Entities - entities} entities, {model.Throttled - throttled} answers 503");
        var shippedCeiling = model.PartitionRate / shippedCost;
        Report.Summary($"(a) Inventory @ 5 ms table latency: shipped {Report.F(shipped.EventsPerSecond)} events/s vs per-event baseline {Report.F(baseline.EventsPerSecond)} events/s: " +
            $"{Report.F(shipped.EventsPerSecond / baseline.EventsPerSecond, "0.0")}x  [target: >= 20x; sustained ceiling of one stock partition: {Report.F(model.PartitionRate)} / " +
            $"{Report.F(shippedCost, "0.00")} entities per event = {Report.F(shippedCeiling)} events/s = {Report.F(shippedCeiling / baseline.EventsPerSecond, "0.0")}x]");

        var shards = InventoryLoad.Create(orders * 2, Skus, Partitions, seed: 8);
        Report.Line($"Inventory shards (same model, 5 ms): {shards.Total} events ({orders * 2} orders), placements then their follow-ups, saga messages delivered back by target shard");
        var four = await RunShardedAsync(storage, shards, model, 4).ConfigureAwait(false);
        var one = await RunShardedAsync(storage, shards, model, 1).ConfigureAwait(false);
        var ceiling = Math.Min(4 * model.PartitionRate, model.AccountRate) / four.EntitiesPerEvent / (model.PartitionRate / one.EntitiesPerEvent);
        Report.Summary($"(a) Inventory shards (Azure Tables model): 4 shards {Report.F(four.EventsPerSecond)} events/s vs 1 shard {Report.F(one.EventsPerSecond)} events/s: " +
            $"{Report.F(four.EventsPerSecond / one.EventsPerSecond, "0.0")}x  [target: >= 3x; ceiling when the partitions bind: 4 x {Report.F(model.PartitionRate)} / " +
            $"{Report.F(four.EntitiesPerEvent, "0.00")} vs {Report.F(model.PartitionRate)} / {Report.F(one.EntitiesPerEvent, "0.00")} entities per event = {Report.F(ceiling, "0.0")}x]");
    }

    /// <summary>
    /// Inventory with <paramref name="shards"/> stock shards: every order placed (sources concurrently), then every
    /// follow-up (shipment only after its reservation, as Fulfillment sends it); the saga messages each batch emits on
    /// inventory-shards are delivered back, batched per target shard, concurrently, until none is left. Events/s counts
    /// the load's events (not the saga messages) over both phases.
    /// </summary>
    private static async Task<(double EventsPerSecond, double EntitiesPerEvent)> RunShardedAsync(Storage storage, InventoryLoad load, Store.TestSupport.AzureTablesModel model, int shards)
    {
        var service = new TableServiceClient(storage.ConnectionString, new TableClientOptions { Transport = model });
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(new NullPublisher());
        services.AddInventoryContext(storage.Configuration(("Inventory:StockTable", "benchshard" + Guid.NewGuid().ToString("N")[..10]),
            ("Inventory:ReceiptsTable", "benchrcpt" + Guid.NewGuid().ToString("N")[..10]), ("Inventory:StockShards", shards.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        services.AddSingleton(service);
        await using var provider = services.BuildServiceProvider();
        var processor = provider.GetRequiredService<PartitionBatchProcessor<StockRow>>();
        var confirmations = provider.GetRequiredService<OutboxConfirmations>();
        var codec = provider.GetRequiredService<CloudEventCodec>();
        var pending = new System.Collections.Concurrent.ConcurrentQueue<OutgoingEvent>();
        var sequence = 0L;
        var rejected = 0;

        Task Deliver(IReadOnlyList<InboundEvent> batch) => RetryAsync(async () =>
        {
            var result = await processor.ProcessAsync(batch, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Add(ref rejected, result.Rejected);
            foreach (var message in result.Outputs.Where(o => o.Hub == "inventory-shards"))
            {
                pending.Enqueue(message);
            }

            if (result.OutboxToken is { } token)
            {
                confirmations.Confirm(token);
            }
        });

        async Task Drain()
        {
            while (!pending.IsEmpty)
            {
                var messages = new List<OutgoingEvent>();
                while (pending.TryDequeue(out var m))
                {
                    messages.Add(m);
                }

                await Task.WhenAll(messages.GroupBy(m => m.PartitionKey).Select(async target =>
                {
                    foreach (var batch in target.Chunk(BatchSize))
                    {
                        await Deliver([.. batch.Select(m => codec.Decode(m.Body).Event!).Select(d =>
                            Inbound.Of(d.Id, d.Type, d.Subject!, d.Data, "inventory-shards", target.Key, Interlocked.Increment(ref sequence)))]).ConfigureAwait(false);
                    }
                })).ConfigureAwait(false);
            }
        }

        foreach (var batch in load.Receipts.Chunk(BatchSize))
        {
            await Deliver(batch).ConfigureAwait(false);
        }

        var (entities, throttled) = (model.Entities, model.Throttled);
        var clock = Stopwatch.StartNew();
        foreach (var phase in new Func<InboundEvent, bool>[] { e => e.Event.Data is OrderPlaced, e => e.Event.Data is not OrderPlaced })
        {
            var sources = Task.WhenAll(load.Partitions.Select(async events =>
            {
                foreach (var batch in events.Where(phase).Chunk(BatchSize))
                {
                    await Deliver(batch).ConfigureAwait(false);
                }
            }));
            while (!sources.IsCompleted)
            {
                await Drain().ConfigureAwait(false);
                await Task.WhenAny(sources, Task.Delay(5)).ConfigureAwait(false);
            }

            await sources.ConfigureAwait(false);
            await Drain().ConfigureAwait(false);
        }

        clock.Stop();
        var cost = (double)(model.Entities - entities) / load.Total;
        Report.Line($"  {shards} shard(s): {load.Total} events in {Report.F(clock.Elapsed.TotalSeconds, "0.00")} s = {Report.F(load.Total / clock.Elapsed.TotalSeconds)} events/s, " +
            $"{sequence} saga messages, {rejected} rule violations; {model.Entities - entities} entities ({Report.F(cost, "0.00")}/event), {model.Throttled - throttled} answers 503");
        return (load.Total / clock.Elapsed.TotalSeconds, cost);
    }

    /// <summary>Runs a batch again while it fails transiently, as the Functions host redelivers it (the checkpoint stays).</summary>
    private static async Task RetryAsync(Func<Task> run)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await run().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (TransientFailures.IsTransient(ex) && attempt < 50)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    private static async Task<(Result, TableClient)> RunShippedAsync(Storage storage, InventoryLoad load, TableServiceClient? service = null)
    {
        var table = (service ?? storage.Service).GetTableClient("benchstock" + Guid.NewGuid().ToString("N")[..10]);
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(new NullPublisher());
        services.AddInventoryContext(storage.Configuration(("Inventory:StockTable", table.Name), ("Inventory:ReceiptsTable", "benchrcpt" + Guid.NewGuid().ToString("N")[..10])));
        if (service is not null)
        {
            services.AddSingleton(service);
        }

        await using var provider = services.BuildServiceProvider();
        var processor = provider.GetRequiredService<PartitionBatchProcessor<StockRow>>();
        var confirmations = provider.GetRequiredService<OutboxConfirmations>();

        Task Deliver(IReadOnlyList<InboundEvent> batch) => RetryAsync(async () =>
        {
            var result = await processor.ProcessAsync(batch, CancellationToken.None).ConfigureAwait(false);
            if (result.OutboxToken is { } token)
            {
                confirmations.Confirm(token);
            }
        });

        // Stock first (not timed).
        foreach (var batch in load.Receipts.Chunk(BatchSize))
        {
            await Deliver(batch).ConfigureAwait(false);
        }

        var store = processor.Store;
        var (trips, transactions, entities) = (store.RoundTrips, store.Transactions, store.EntitiesWritten);
        var batches = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(load.Partitions.Select(async events =>
        {
            foreach (var batch in events.Chunk(BatchSize))
            {
                await Deliver(batch).ConfigureAwait(false);
                Interlocked.Increment(ref batches);
            }
        })).ConfigureAwait(false);
        clock.Stop();

        var result = new Result(load.Total, clock.Elapsed, store.RoundTrips - trips, store.Transactions - transactions, batches) { EntitiesWritten = store.EntitiesWritten - entities };
        Report.Line($"  shipped PartitionBatchProcessor (Inventory): {load.Total} events in {Report.F(clock.Elapsed.TotalSeconds, "0.00")} s = {Report.F(result.EventsPerSecond)} events/s; " +
            $"{result.RoundTrips} round trips ({result.Transactions} transactions of {result.EntitiesWritten} entities, {result.RoundTrips - result.Transactions} reads) for {batches} batches");
        return (result, table);
    }

    private static async Task<(Result, TableClient)> RunBaselineAsync(Storage storage, InventoryLoad load, TableServiceClient? service = null)
    {
        var table = (service ?? storage.Service).GetTableClient("benchnaive" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(new NullPublisher());
        services.AddInventoryContext(storage.Configuration());
        await using var provider = services.BuildServiceProvider();
        var store = new TableStateStore<StockRow>(table, InventoryJson.Default.StockRow, appliedWindow: 0);
        var baseline = new PerEventStockProcessor(store, provider.GetRequiredService<CloudEventCodec>());

        foreach (var e in load.Receipts)
        {
            await RetryAsync(() => baseline.ProcessAsync(e, CancellationToken.None)).ConfigureAwait(false);
        }

        var (trips, transactions) = (store.RoundTrips, store.Transactions);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(load.Partitions.Select(async events =>
        {
            foreach (var e in events)
            {
                await RetryAsync(() => baseline.ProcessAsync(e, CancellationToken.None)).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        clock.Stop();

        var result = new Result(load.Total, clock.Elapsed, store.RoundTrips - trips, store.Transactions - transactions, load.Total);
        Report.Line($"  per-event baseline: {load.Total} events in {Report.F(clock.Elapsed.TotalSeconds, "0.00")} s = {Report.F(result.EventsPerSecond)} events/s; " +
            $"{result.RoundTrips} round trips ({result.Transactions} transactions, {baseline.Conflicts} conflicts retried)");
        return (result, table);
    }

    private static async Task<bool> SameStockAsync(TableClient a, TableClient b)
    {
        async Task<Dictionary<string, SkuStock>> Skus(TableClient table)
        {
            var store = new TableStateStore<StockRow>(table, InventoryJson.Default.StockRow, appliedWindow: 0);
            var rows = await store.ReadPartitionAsync(StockKeys.Partition, CancellationToken.None).ConfigureAwait(false);
            return rows.Where(r => r.State?.Sku is not null).ToDictionary(r => r.Key.RowKey, r => r.State!.Sku!, StringComparer.Ordinal);
        }

        var (x, y) = (await Skus(a).ConfigureAwait(false), await Skus(b).ConfigureAwait(false));
        return x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var other) && other == kv.Value);
    }

    private sealed record Result(int Events, TimeSpan Elapsed, int RoundTrips, int Transactions, int Batches)
    {
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;

        public double RoundTripsPerEvent => (double)RoundTrips / Events;

        public double TransactionsPerBatch => (double)Transactions / Batches;

        public int EntitiesWritten { get; init; }
    }
}

/// <summary>A seeded Inventory-like event stream split over source partitions (an order's events stay in one partition, in order).</summary>
internal sealed class InventoryLoad
{
    private InventoryLoad(List<InboundEvent> receipts, List<InboundEvent>[] partitions)
    {
        Receipts = receipts;
        Partitions = partitions;
        Total = partitions.Sum(p => p.Count);
    }

    public List<InboundEvent> Receipts { get; }

    public List<InboundEvent>[] Partitions { get; }

    public int Total { get; }

    public static InventoryLoad Create(int orders, int skus, int partitionCount, int seed)
    {
        var random = new Random(seed);
        var sequences = new Dictionary<(string, int), long>();
        InboundEvent Next(string id, string type, string subject, object data, string hub, int partition)
        {
            var key = (hub, partition);
            sequences[key] = sequences.GetValueOrDefault(key) + 1;
            return Inbound.Of(id, type, subject, data, hub, partition.ToString(System.Globalization.CultureInfo.InvariantCulture), sequences[key]);
        }

        var receipts = new List<InboundEvent>(skus);
        for (var s = 0; s < skus; s++)
        {
            receipts.Add(Next($"rcv-{s}", InventoryEventTypes.StockReceived, Sku(s), new StockReceived($"R-{s}", Sku(s), 1_000_000), "inventory-stock", 0));
        }

        var partitions = Enumerable.Range(0, partitionCount).Select(_ => new List<InboundEvent>()).ToArray();
        var placed = new List<(int Partition, OrderPlaced Order)>(orders);
        const int lag = 150;
        for (var i = 0; i < orders + lag; i++)
        {
            if (i < orders)
            {
                var p = i % partitionCount;
                var lines = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new OrderPlacedLine(Sku(random.Next(skus)), random.Next(1, 4), 9.5m)).ToArray();
                var order = new OrderPlaced($"O-{i:000000}", $"C-{random.Next(500)}", lines, lines.Sum(l => l.Quantity * l.UnitPrice), "EUR");
                placed.Add((p, order));
                partitions[p].Add(Next($"placed-{i}", InventoryEventTypes.OrderPlaced, order.OrderId, order, "sales-orders", p));
            }

            if (i >= lag)
            {
                var (p, order) = placed[i - lag];
                var roll = random.NextDouble();
                partitions[p].Add(roll switch
                {
                    < 0.7 => Next($"ship-{i}", InventoryEventTypes.ShipmentRequested, order.OrderId,
                        new ShipmentRequested("S-" + order.OrderId, order.OrderId, order.CustomerId, order.Lines.Select(l => new ShipmentLine(l.Sku, l.Quantity, l.UnitPrice)).ToArray()),
                        "fulfillment-shipments", p),
                    < 0.9 => Next($"declined-{i}", InventoryEventTypes.PaymentDeclined, order.OrderId,
                        new PaymentDeclined(order.OrderId, order.CustomerId, order.Total, "EUR", "limit"), "payments", p),
                    _ => Next($"withdrawn-{i}", InventoryEventTypes.OrderWithdrawn, order.OrderId, new OrderWithdrawn(order.OrderId, order.CustomerId, "changed mind"), "fulfillment-shipments", p),
                });
            }
        }

        return new InventoryLoad(receipts, partitions);
    }

    private static string Sku(int n) => $"SKU-{n:0000}";
}

/// <summary>
/// The honest per-event baseline: for every event, point-read the rows it needs (its order or receipt row and the SKU
/// rows it names, or those of the stored order, in parallel), decide with the same pure Inventory rules, and write the
/// changed rows in one ETag-conditioned transaction; a conflict re-reads and retries that event.
/// </summary>
internal sealed class PerEventStockProcessor(TableStateStore<StockRow> store, CloudEventCodec codec)
{
    private int _conflicts;

    public int Conflicts => _conflicts;

    public async Task ProcessAsync(InboundEvent e, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var rows = await store.ReadAsync(StockKeys.Partition, KeysOf(e.Event.Data), ct).ConfigureAwait(false);
            var more = rows.Values.SelectMany(r => r.State?.Order?.Lines ?? []).Select(l => StockKeys.Sku(l.Sku)).Where(k => !rows.ContainsKey(k)).ToArray();
            if (more.Length > 0)
            {
                foreach (var (key, record) in await store.ReadAsync(StockKeys.Partition, more, ct).ConfigureAwait(false))
                {
                    rows[key] = record;
                }
            }

            var decision = StockSaga.Decide(new View(rows), 0, 1, e.Event.Data)!;
            if (decision.IsNoOp || decision.Violation is not null)
            {
                return;
            }

            var changed = new List<StateRecord<StockRow>>();
            foreach (var sku in decision.Skus)
            {
                changed.Add(Set(rows, StockKeys.Sku(sku.Sku), new StockRow(Sku: sku)));
            }

            if (decision.Receipt is { } receipt)
            {
                changed.Add(Set(rows, StockKeys.Receipt(receipt.ReceiptId), new StockRow(Receipt: receipt)));
            }

            if (decision.Order is { } order)
            {
                var record = Set(rows, StockKeys.Order(order.OrderId), new StockRow(Order: order));
                record.Outbox = [.. decision.Outputs.Select(output => Encode(e, output))];
                changed.Add(record);
            }

            try
            {
                await store.CommitAsync(StockKeys.Partition, changed, ct).ConfigureAwait(false);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < 50)
            {
                Interlocked.Increment(ref _conflicts);
            }
        }
    }

    private static StateRecord<StockRow> Set(Dictionary<string, StateRecord<StockRow>> rows, string key, StockRow row)
    {
        var record = rows[key];
        record.State = row;
        record.IsDirty = true;
        return record;
    }

    private static string[] KeysOf(object data) => data switch
    {
        StockReceived r => [StockKeys.Receipt(r.ReceiptId), StockKeys.Sku(r.Sku)],
        OrderPlaced o => [StockKeys.Order(o.OrderId), .. o.Lines.Select(l => StockKeys.Sku(l.Sku)).Distinct()],
        OrderWithdrawn w => [StockKeys.Order(w.OrderId)],
        PaymentDeclined d => [StockKeys.Order(d.OrderId)],
        ShipmentRequested s => [StockKeys.Order(s.OrderId)],
        _ => [],
    };

    private OutgoingEvent Encode(InboundEvent input, object output)
    {
        var (role, type, orderId) = output switch
        {
            StockReserved r => ("stock-reserved", InventoryEventTypes.StockReserved, r.OrderId),
            StockReservationRejected r => ("stock-reservation-rejected", InventoryEventTypes.StockReservationRejected, r.OrderId),
            StockReleased r => ("stock-released", InventoryEventTypes.StockReleased, r.OrderId),
            _ => throw new InvalidOperationException(output.GetType().Name),
        };
        var id = EventIds.Derive(input.Event.Id, role);
        var header = new CloudEventHeader(id, type, "/store/inventory", orderId, input.Event.Time, input.Event.TraceParent);
        var body = output switch
        {
            StockReserved r => codec.Encode(header, r),
            StockReservationRejected r => codec.Encode(header, r),
            _ => codec.Encode(header, (StockReleased)output),
        };
        return new OutgoingEvent("inventory-stock", orderId, id, type, body, input.Event.TraceParent);
    }

    /// <summary>One shard's rows (N = 1: no part rows, every order's part is in its order row).</summary>
    private sealed class View(Dictionary<string, StateRecord<StockRow>> rows) : IShardView
    {
        public SkuStock? Sku(string sku) => rows.GetValueOrDefault(StockKeys.Sku(sku))?.State?.Sku;

        public SagaOrder? Order(string orderId) => rows.GetValueOrDefault(StockKeys.Order(orderId))?.State?.Order;

        public OrderPart? Part(string orderId) => null;

        public ReceiptRecord? Receipt(string receiptId) => rows.GetValueOrDefault(StockKeys.Receipt(receiptId))?.State?.Receipt;
    }
}
