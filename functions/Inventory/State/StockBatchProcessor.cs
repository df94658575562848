using Microsoft.Extensions.Logging;
using Store.Eventing.CloudEvents;
using Store.Eventing.DeadLetters;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;
using Store.Inventory.Decisions;
using Store.Inventory.Events;

namespace Store.Inventory.State;

/// <summary>
/// Applies a batch of Inventory's input events to the stock partition with coalesced table I/O (see the design note
/// in StockState.cs): read every needed row once, apply all events in stream order in memory, commit changed rows in
/// ETag-conditioned transactions of at most 100 rows without splitting an event's rows, and on a conflict re-read and
/// re-apply. Outputs are committed in the order rows' outboxes and returned for publishing after the commit.
/// </summary>
public sealed partial class StockBatchProcessor(
    TableStateStore<StockRow> store,
    CloudEventCodec codec,
    DeadLetterWriter deadLetters,
    OutboxConfirmations confirmations,
    ILogger<StockBatchProcessor> logger,
    int maxConflictRetries = 40)
{
    private const int KeysPerRead = 40;
    private const int MaxParallelReads = 8;
    private readonly TableInitializer _table = new(store.EnsureCreatedAsync);

    // Batches of different partitions in this process touch the same SKU rows; letting them race only produces ETag
    // conflicts and re-reads. One batch at a time per process; ETags still arbitrate between processes.
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>The stock store.</summary>
    public TableStateStore<StockRow> Store => store;

    /// <summary>Processes a batch; throws transient failures (the whole batch is retried; applied events are no-ops then).</summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        var relevant = events.Where(e => IsInput(e.Event.Data)).ToList();
        var ignored = events.Count - relevant.Count;
        if (relevant.Count == 0)
        {
            return ProcessResult.Empty with { Ignored = ignored };
        }

        await _table.EnsureAsync(ct).ConfigureAwait(false);
        var token = Guid.NewGuid().ToString("N");
        for (var attempt = 0; ; attempt++)
        {
            await _writer.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var result = await AttemptAsync(relevant, token, ct).ConfigureAwait(false);
                return result with { Ignored = ignored, Conflicts = attempt };
            }
            catch (ConcurrencyConflictException ex) when (attempt < maxConflictRetries)
            {
                // Another process committed some of our rows first: re-read and re-apply (decisions are pure and
                // idempotent, so events already committed by an earlier transaction of this batch become no-ops).
                LogConflict(logger, ex, attempt + 1);
            }
            finally
            {
                _writer.Release();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 10 * Math.Min(attempt + 1, 20))), ct).ConfigureAwait(false);
        }
    }

    private static bool IsInput(object data) => data is StockReceived or OrderPlaced or OrderCancelled or PaymentDeclined or ShipmentRequested;

    private async Task<ProcessResult> AttemptAsync(List<InboundEvent> events, string token, CancellationToken ct)
    {
        var rows = await ReadRowsAsync(events, ct).ConfigureAwait(false);
        var view = new RecordView(rows);
        var outboxOpened = new HashSet<string>(StringComparer.Ordinal);
        var group = new Dictionary<string, StateRecord<StockRow>>(StringComparer.Ordinal);
        var failed = new List<OutgoingEvent>();
        int applied = 0, noOps = 0;

        foreach (var e in events)
        {
            var decision = InventoryDecisions.Decide(view, e.Event.Data)!;
            if (decision.Violation is { } violation)
            {
                failed.Add(deadLetters.Create(e.Raw, InventoryEventTypes.ConsumerGroup, new DataError(DataErrorKind.RuleViolation, violation), e.Event.TraceParent));
                continue;
            }

            if (decision.IsNoOp)
            {
                noOps++;
                continue;
            }

            var changed = ChangedKeys(decision);
            if (group.Count + changed.Count(k => !group.ContainsKey(k)) > TableStateStore<StockRow>.MaxTransactionSize)
            {
                await store.CommitAsync(StockKeys.Partition, [.. group.Values], ct).ConfigureAwait(false);
                group.Clear();
            }

            foreach (var sku in decision.Skus)
            {
                Write(rows, group, outboxOpened, token, StockKeys.Sku(sku.Sku), new StockRow(Sku: sku));
            }

            if (decision.Receipt is { } receipt)
            {
                Write(rows, group, outboxOpened, token, StockKeys.Receipt(receipt.ReceiptId), new StockRow(Receipt: receipt));
            }

            if (decision.Order is { } order)
            {
                var record = Write(rows, group, outboxOpened, token, StockKeys.Order(order.OrderId), new StockRow(Order: order));
                if (decision.Output is { } output)
                {
                    record.Outbox = [.. record.Outbox, Encode(e, output)];
                }
            }

            applied++;
        }

        if (group.Count > 0)
        {
            await store.CommitAsync(StockKeys.Partition, [.. group.Values], ct).ConfigureAwait(false);
        }

        // Publish what this batch committed, plus outboxes of earlier invocations not known to be published (same ids).
        var outputs = new List<OutgoingEvent>(failed);
        foreach (var (key, record) in rows)
        {
            if (record.Outbox.Count > 0 && (outboxOpened.Contains(key) || !confirmations.IsConfirmed(record.OutboxToken)))
            {
                outputs.AddRange(record.Outbox);
            }
        }

        return new ProcessResult(outputs, token, applied, noOps, failed.Count, 0, 0);
    }

    /// <summary>Puts a row's new state into the current transaction group; the first write of a row in this attempt opens its outbox.</summary>
    private StateRecord<StockRow> Write(
        Dictionary<string, StateRecord<StockRow>> rows, Dictionary<string, StateRecord<StockRow>> group, HashSet<string> outboxOpened, string token, string key, StockRow state)
    {
        var record = rows[key];
        record.State = state;
        record.IsDirty = true;
        group[key] = record;
        if (outboxOpened.Add(key))
        {
            // Outputs of an earlier invocation that are not known to be published stay in the outbox and go out again with ours.
            record.Outbox = confirmations.IsConfirmed(record.OutboxToken) ? [] : record.Outbox;
            record.OutboxToken = token;
        }

        return record;
    }

    private static List<string> ChangedKeys(InventoryDecision decision)
    {
        var keys = decision.Skus.Select(s => StockKeys.Sku(s.Sku)).ToList();
        if (decision.Receipt is { } receipt)
        {
            keys.Add(StockKeys.Receipt(receipt.ReceiptId));
        }

        if (decision.Order is { } order)
        {
            keys.Add(StockKeys.Order(order.OrderId));
        }

        return keys;
    }

    /// <summary>Reads every row the batch can touch: first the rows named by the events, then SKU rows of stored orders.</summary>
    private async Task<Dictionary<string, StateRecord<StockRow>>> ReadRowsAsync(List<InboundEvent> events, CancellationToken ct)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            switch (e.Event.Data)
            {
                case StockReceived r:
                    keys.Add(StockKeys.Receipt(r.ReceiptId));
                    keys.Add(StockKeys.Sku(r.Sku));
                    break;
                case OrderPlaced o:
                    keys.Add(StockKeys.Order(o.OrderId));
                    foreach (var line in o.Lines)
                    {
                        keys.Add(StockKeys.Sku(line.Sku));
                    }

                    break;
                case OrderCancelled c:
                    keys.Add(StockKeys.Order(c.OrderId));
                    break;
                case PaymentDeclined d:
                    keys.Add(StockKeys.Order(d.OrderId));
                    break;
                case ShipmentRequested s:
                    keys.Add(StockKeys.Order(s.OrderId));
                    break;
            }
        }

        var rows = await ReadAsync(keys, ct).ConfigureAwait(false);
        var more = rows.Values
            .SelectMany(r => r.State?.Order?.Lines ?? [])
            .Select(l => StockKeys.Sku(l.Sku))
            .Where(k => !rows.ContainsKey(k))
            .ToHashSet(StringComparer.Ordinal);
        if (more.Count > 0)
        {
            foreach (var (key, record) in await ReadAsync(more, ct).ConfigureAwait(false))
            {
                rows[key] = record;
            }
        }

        return rows;
    }

    private async Task<Dictionary<string, StateRecord<StockRow>>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var chunks = keys.Chunk(KeysPerRead).ToArray();
        var parts = new Dictionary<string, StateRecord<StockRow>>[chunks.Length];
        await Parallel.ForAsync(0, chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = ct }, async (i, c) =>
        {
            parts[i] = await store.ReadAsync(StockKeys.Partition, chunks[i], c).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var rows = new Dictionary<string, StateRecord<StockRow>>(keys.Count, StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (key, record) in part)
            {
                rows[key] = record;
            }
        }

        return rows;
    }

    private OutgoingEvent Encode(InboundEvent input, object output) => output switch
    {
        StockReserved r => Encode(input, "stock-reserved", InventoryEventTypes.StockReserved, r.OrderId, r),
        StockReservationRejected r => Encode(input, "stock-reservation-rejected", InventoryEventTypes.StockReservationRejected, r.OrderId, r),
        StockReleased r => Encode(input, "stock-released", InventoryEventTypes.StockReleased, r.OrderId, r),
        _ => throw new InvalidOperationException($"Inventory does not emit {output.GetType().Name}."),
    };

    private OutgoingEvent Encode<T>(InboundEvent input, string role, string type, string orderId, T data)
    {
        var id = EventIds.Derive(input.Event.Id, role);
        var header = new CloudEventHeader(id, type, InventoryEventTypes.Source, orderId, input.Event.Time, input.Event.TraceParent);
        return new OutgoingEvent(InventoryEventTypes.StockHub, orderId, id, type, codec.Encode(header, data), input.Event.TraceParent);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inventory stock batch lost an optimistic-concurrency race (attempt {Attempt}); re-reading and re-applying")]
    private static partial void LogConflict(ILogger logger, Exception exception, int attempt);

    /// <summary>Reads decisions' input from the loaded records (which carry the batch's in-memory changes).</summary>
    private sealed class RecordView(Dictionary<string, StateRecord<StockRow>> rows) : IStockView
    {
        public SkuStock? Sku(string sku) => Row(StockKeys.Sku(sku))?.Sku;

        public OrderReservation? Order(string orderId) => Row(StockKeys.Order(orderId))?.Order;

        public ReceiptRecord? Receipt(string receiptId) => Row(StockKeys.Receipt(receiptId))?.Receipt;

        private StockRow? Row(string key) =>
            rows.TryGetValue(key, out var record) ? record.State : throw new InvalidOperationException($"Row '{key}' was not loaded for this batch.");
    }
}

/// <summary>Creates a table once per process (retrying after a failure).</summary>
public sealed class TableInitializer(Func<CancellationToken, Task> create)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    /// <summary>Ensures the table exists.</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        if (_done)
        {
            return;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_done)
            {
                await create(ct).ConfigureAwait(false);
                _done = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
