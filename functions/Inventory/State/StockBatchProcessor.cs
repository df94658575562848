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
/// in StockState.cs): read every needed row once (from the ETag-validated row cache when possible), decide all events
/// in stream order in memory, commit changed rows in ETag-conditioned transactions of at most 100 rows without
/// splitting an event's rows (independent transactions concurrently), and on a conflict re-read and re-apply. Outputs are committed in the order rows'
/// outboxes and returned for publishing after the commit.
/// </summary>
public sealed partial class StockBatchProcessor(
    TableStateStore<StockRow> store,
    EventBatchHandler handler,
    OutboxConfirmations confirmations,
    ILogger<StockBatchProcessor> logger,
    int maxConflictRetries = ConflictRetry.HotRowRetries)
{
    /// <summary>
    /// Rows kept in the stock store's per-process cache: every hot SKU row and the recent order rows (a row with its
    /// outbox is about 1-2 KB, so this bounds the cache to some tens of MB).
    /// </summary>
    public const int CacheCapacity = 20_000;

    // Batches of different partitions in this process touch the same SKU rows; letting them race only produces ETag
    // conflicts and re-reads. One batch at a time per process; ETags still arbitrate between processes.
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>The stock store.</summary>
    public TableStateStore<StockRow> Store => store;

    /// <summary>
    /// Processes a batch; throws transient failures (the whole batch is retried; applied events are no-ops then). The
    /// caller publishes the outputs, then confirms or abandons the result's outbox token (see OutboxConfirmations).
    /// </summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        var relevant = new List<InboundEvent>(events.Count);
        foreach (var e in events)
        {
            if (IsInput(e.Event.Data))
            {
                relevant.Add(e);
            }
        }

        var ignored = events.Count - relevant.Count;
        if (relevant.Count == 0)
        {
            return ProcessResult.Empty with { Ignored = ignored };
        }

        await store.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var token = Guid.NewGuid().ToString("N");
        confirmations.Begin(token);
        try
        {
            return await ProcessAsync(relevant, ignored, token, ct).ConfigureAwait(false);
        }
        catch
        {
            // The caller confirms the token after publishing; on failure nobody will, so rows carrying it are published by their next reader.
            confirmations.Abandon(token);
            throw;
        }
    }

    private async Task<ProcessResult> ProcessAsync(List<InboundEvent> relevant, int ignored, string token, CancellationToken ct)
    {
        var reads = new ReadPlan();
        for (var attempt = 0; ; attempt++)
        {
            await _writer.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                ProcessResult? result;
                while ((result = await AttemptAsync(relevant, token, reads, ct).ConfigureAwait(false)) is null)
                {
                    // A decision looked at cached rows it does not write (a no-op, rejection or rule violation): those
                    // rows were re-read and the batch is decided again on them. Nothing was committed yet.
                }

                return result with { Ignored = ignored, Conflicts = attempt };
            }
            catch (ConcurrencyConflictException ex) when (attempt < maxConflictRetries)
            {
                // Another process committed some of our rows first: re-read everything from the table and re-apply
                // (decisions are pure and idempotent, so events committed by an earlier transaction of this batch
                // become no-ops).
                reads.AllFresh = true;
                LogConflict(logger, ex, attempt + 1);
            }
            finally
            {
                _writer.Release();
            }

            await ConflictRetry.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    private static bool IsInput(object data) => data is StockReceived or OrderPlaced or OrderWithdrawn or PaymentDeclined or ShipmentRequested;

    /// <summary>One attempt; null when cached rows had to be re-read before anything could be committed.</summary>
    private async Task<ProcessResult?> AttemptAsync(List<InboundEvent> events, string token, ReadPlan reads, CancellationToken ct)
    {
        var rows = await ReadRowsAsync(events, reads, ct).ConfigureAwait(false);

        // 1. Decide every event in memory. A cached row is validated only by the conditional write of that row, so a
        //    decision may rely on it only if the decision (or an earlier one of this batch) writes it; otherwise the
        //    row is re-read first (rejections, no-ops and rule violations look at rows they do not change).
        var view = new OverlayView(rows);
        var decisions = new InventoryDecision[events.Count];
        var written = new List<string>[events.Count];
        HashSet<string>? stale = null;
        for (var i = 0; i < events.Count; i++)
        {
            view.Begin();
            var decision = decisions[i] = InventoryDecisions.Decide(view, events[i].Event.Data)!;
            var keys = written[i] = RowKeys(decision);
            foreach (var key in view.Looked)
            {
                if (!view.Verified(key) && !keys.Contains(key))
                {
                    (stale ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
                }
            }

            view.Apply(decision);
        }

        if (stale is not null)
        {
            store.Evict(StockKeys.Partition, stale);
            reads.MustRead.UnionWith(stale);
            return null;
        }

        // 2. Write the decided rows. Events that share no row are independent: their transactions are committed
        //    concurrently (TransactionPlanner); every event's rows are in one transaction of at most 100 rows.
        // Rows whose outbox this attempt opened, with how many carried entries an in-flight invocation publishes itself.
        var outboxOpened = new Dictionary<string, int>(StringComparer.Ordinal);
        var failed = new List<OutgoingEvent>();
        var changes = new List<int>(events.Count);
        var noOps = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var decision = decisions[i];
            if (decision.Violation is { } violation)
            {
                failed.Add(handler.DeadLetter(events[i], InventoryEventTypes.ConsumerGroup, new DataError(DataErrorKind.RuleViolation, violation)));
            }
            else if (decision.IsNoOp)
            {
                noOps++;
            }
            else
            {
                changes.Add(i);
            }
        }

        var changedKeys = new List<IReadOnlyCollection<string>>(changes.Count);
        foreach (var i in changes)
        {
            changedKeys.Add(written[i]);
        }

        if (TransactionPlanner.Plan(changedKeys) is { } plan)
        {
            foreach (var i in changes)
            {
                WriteRows(events[i], decisions[i], rows, outboxOpened, token);
            }

            var transactions = new List<IReadOnlyList<StateRecord<StockRow>>>(plan.Count);
            foreach (var members in plan)
            {
                var records = new Dictionary<string, StateRecord<StockRow>>(StringComparer.Ordinal);
                foreach (var change in members)
                {
                    foreach (var key in changedKeys[change])
                    {
                        // Marker keys only count towards the transaction's size (TableStateStore writes the markers).
                        if (rows.TryGetValue(key, out var record))
                        {
                            records.TryAdd(key, record);
                        }
                    }
                }

                transactions.Add([.. records.Values]);
            }

            await store.CommitConcurrentlyAsync(StockKeys.Partition, transactions, ct).ConfigureAwait(false);
        }
        else
        {
            // Some connected events need more than 100 rows together (e.g. many orders of one hot SKU): commit in stream
            // order, flushing before an event whose rows would not fit, so that no event is split.
            var group = new Dictionary<string, StateRecord<StockRow>>(StringComparer.Ordinal);
            var operations = new HashSet<string>(StringComparer.Ordinal);
            foreach (var i in changes)
            {
                var newKeys = 0;
                foreach (var key in written[i])
                {
                    newKeys += operations.Contains(key) ? 0 : 1;
                }

                if (operations.Count + newKeys > TableStateStore<StockRow>.MaxTransactionSize)
                {
                    await store.CommitAsync(StockKeys.Partition, [.. group.Values], ct).ConfigureAwait(false);
                    group.Clear();
                    operations.Clear();
                }

                WriteRows(events[i], decisions[i], rows, outboxOpened, token);
                foreach (var key in written[i])
                {
                    operations.Add(key);
                    if (rows.TryGetValue(key, out var record))
                    {
                        group[key] = record;
                    }
                }
            }

            if (group.Count > 0)
            {
                await store.CommitAsync(StockKeys.Partition, [.. group.Values], ct).ConfigureAwait(false);
            }
        }

        var applied = changes.Count;

        // Publish what this batch committed, plus outboxes of earlier invocations not known to be published (same ids).
        var outputs = new List<OutgoingEvent>(failed);
        foreach (var (key, record) in rows)
        {
            if (record.Outbox.Count == 0)
            {
                continue;
            }

            if (outboxOpened.TryGetValue(key, out var publishedByOthers))
            {
                for (var i = publishedByOthers; i < record.Outbox.Count; i++)
                {
                    outputs.Add(record.Outbox[i]);
                }
            }
            else if (confirmations.Classify(record.OutboxToken, token) == FoundOutbox.Unpublished)
            {
                outputs.AddRange(record.Outbox);
            }
        }

        var committed = new List<StateRecord<StockRow>>();
        foreach (var record in rows.Values)
        {
            if (record.OutboxToken == token && record.Outbox.Count > 0)
            {
                committed.Add(record);
            }
        }

        return new ProcessResult(outputs, token, applied, noOps, failed.Count, 0, 0)
        {
            Committed = committed.Count == 0 ? null : new CommittedOutbox<StockRow>(store, token, committed),
        };
    }

    /// <summary>Puts one event's new row states into the loaded records (and its output into its order row's outbox).</summary>
    private void WriteRows(InboundEvent e, InventoryDecision decision, Dictionary<string, StateRecord<StockRow>> rows, Dictionary<string, int> outboxOpened, string token)
    {
        foreach (var sku in decision.Skus)
        {
            Write(rows, outboxOpened, token, StockKeys.Sku(sku.Sku), new StockRow(Sku: sku));
        }

        if (decision.Receipt is { } receipt)
        {
            Write(rows, outboxOpened, token, StockKeys.Receipt(receipt.ReceiptId), new StockRow(Receipt: receipt));
        }

        if (decision.Order is { } order)
        {
            var record = Write(rows, outboxOpened, token, StockKeys.Order(order.OrderId), new StockRow(Order: order));
            if (decision.Output is { } output)
            {
                record.Outbox = [.. record.Outbox, Encode(e, output)];
            }
        }
    }

    /// <summary>The row keys a decision writes, plus the marker key of its order row (see <see cref="OutboxMarkers"/>).</summary>
    private static List<string> RowKeys(InventoryDecision decision)
    {
        var keys = new List<string>(decision.Skus.Count + 1);
        foreach (var sku in decision.Skus)
        {
            keys.Add(StockKeys.Sku(sku.Sku));
        }

        if (decision.Receipt is { } receipt)
        {
            keys.Add(StockKeys.Receipt(receipt.ReceiptId));
        }

        if (decision.Order is { } order)
        {
            keys.Add(StockKeys.Order(order.OrderId));

            // The order row's outbox marker (written or deleted with it): one more operation in its transaction.
            keys.Add(OutboxMarkers.MarkerPrefix + StockKeys.Order(order.OrderId));
        }

        return keys;
    }

    /// <summary>Sets a row's new state; the first write of a row in this attempt opens its outbox.</summary>
    private StateRecord<StockRow> Write(Dictionary<string, StateRecord<StockRow>> rows, Dictionary<string, int> outboxOpened, string token, string key, StockRow state)
    {
        var record = rows[key];
        record.State = state;
        record.IsDirty = true;
        if (!outboxOpened.ContainsKey(key))
        {
            // Outputs of an earlier invocation that are not known to be published stay in the outbox and go out again with
            // ours, unless that invocation is still running in this process: then it publishes them (OutboxConfirmations).
            var found = record.Outbox.Count == 0 ? FoundOutbox.Published : confirmations.Classify(record.OutboxToken, token);
            outboxOpened[key] = found == FoundOutbox.InFlight ? record.Outbox.Count : 0;
            if (found == FoundOutbox.Published)
            {
                record.Outbox = [];
            }
            else if (found == FoundOutbox.InFlight)
            {
                confirmations.Carry(record.OutboxToken!, token);
            }

            record.OutboxToken = token;
        }

        return record;
    }

    /// <summary>
    /// Reads every row the batch can touch: first the rows named by the events, then SKU rows of stored orders. The
    /// row of an order being placed or a receipt being applied is assumed new when not cached (its insert fails with
    /// 409 if it exists after all); rows in <see cref="ReadPlan.MustRead"/>, or every row after a conflict, come from the table.
    /// </summary>
    private async Task<Dictionary<string, StateRecord<StockRow>>> ReadRowsAsync(List<InboundEvent> events, ReadPlan reads, CancellationToken ct)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var created = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            switch (e.Event.Data)
            {
                case StockReceived r:
                    created.Add(StockKeys.Receipt(r.ReceiptId));
                    keys.Add(StockKeys.Receipt(r.ReceiptId));
                    keys.Add(StockKeys.Sku(r.Sku));
                    break;
                case OrderPlaced o:
                    created.Add(StockKeys.Order(o.OrderId));
                    keys.Add(StockKeys.Order(o.OrderId));
                    foreach (var line in o.Lines)
                    {
                        keys.Add(StockKeys.Sku(line.Sku));
                    }

                    break;
                case OrderWithdrawn w:
                    keys.Add(StockKeys.Order(w.OrderId));
                    break;
                case PaymentDeclined d:
                    keys.Add(StockKeys.Order(d.OrderId));
                    break;
                case ShipmentRequested s:
                    keys.Add(StockKeys.Order(s.OrderId));
                    break;
            }
        }

        // Rows that must come from the table are evicted before every read (an earlier attempt's read cached them again).
        store.Evict(StockKeys.Partition, reads.AllFresh ? keys : reads.MustRead);

        bool AssumeNew(string key) => !reads.AllFresh && created.Contains(key) && !reads.MustRead.Contains(key);
        var rows = await store.ReadAsync(StockKeys.Partition, keys, AssumeNew, ct).ConfigureAwait(false);
        HashSet<string>? more = null;
        foreach (var record in rows.Values)
        {
            if (record.State?.Order is { } order)
            {
                foreach (var line in order.Lines)
                {
                    var key = StockKeys.Sku(line.Sku);
                    if (!rows.ContainsKey(key))
                    {
                        (more ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
                    }
                }
            }
        }

        if (more is not null)
        {
            if (reads.AllFresh)
            {
                store.Evict(StockKeys.Partition, more);
            }

            // (MustRead rows among them were evicted above.)

            foreach (var (key, record) in await store.ReadAsync(StockKeys.Partition, more, ct).ConfigureAwait(false))
            {
                rows[key] = record;
            }
        }

        return rows;
    }

    private OutgoingEvent Encode(InboundEvent input, object output) => handler.Outputs.Encode(new Emit(output, output switch
    {
        StockReserved => "stock-reserved",
        StockReservationRejected => "stock-reservation-rejected",
        StockReleased => "stock-released",
        _ => throw new InvalidOperationException($"Inventory does not emit {output.GetType().Name}."),
    }), input);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inventory stock batch lost an optimistic-concurrency race (attempt {Attempt}); re-reading and re-applying")]
    private static partial void LogConflict(ILogger logger, Exception exception, int attempt);

    /// <summary>Which rows the next attempt of a batch must read from the table rather than from the cache.</summary>
    private sealed class ReadPlan
    {
        /// <summary>After a conflict: every row.</summary>
        public bool AllFresh { get; set; }

        /// <summary>Rows a decision looked at without writing them.</summary>
        public HashSet<string> MustRead { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// The decisions' view of the loaded rows plus the in-memory changes of the decisions before (nothing is written to
    /// the records while deciding), recording which rows the current decision looks at.
    /// </summary>
    private sealed class OverlayView(Dictionary<string, StateRecord<StockRow>> rows) : IStockView
    {
        private readonly Dictionary<string, StockRow> _changed = new(StringComparer.Ordinal);

        /// <summary>Rows the current decision looked at.</summary>
        public List<string> Looked { get; } = [];

        public void Begin() => Looked.Clear();

        /// <summary>True when the row was read from the table in this attempt or is written by an earlier decision of the batch.</summary>
        public bool Verified(string key) => _changed.ContainsKey(key) || rows[key].IsFresh;

        public void Apply(InventoryDecision decision)
        {
            if (decision.Violation is not null)
            {
                return;
            }

            foreach (var sku in decision.Skus)
            {
                _changed[StockKeys.Sku(sku.Sku)] = new StockRow(Sku: sku);
            }

            if (decision.Receipt is { } receipt)
            {
                _changed[StockKeys.Receipt(receipt.ReceiptId)] = new StockRow(Receipt: receipt);
            }

            if (decision.Order is { } order)
            {
                _changed[StockKeys.Order(order.OrderId)] = new StockRow(Order: order);
            }
        }

        public SkuStock? Sku(string sku) => Row(StockKeys.Sku(sku))?.Sku;

        public OrderReservation? Order(string orderId) => Row(StockKeys.Order(orderId))?.Order;

        public ReceiptRecord? Receipt(string receiptId) => Row(StockKeys.Receipt(receiptId))?.Receipt;

        private StockRow? Row(string key)
        {
            Looked.Add(key);
            if (_changed.TryGetValue(key, out var changed))
            {
                return changed;
            }

            return rows.TryGetValue(key, out var record) ? record.State : throw new InvalidOperationException($"Row '{key}' was not loaded for this batch.");
        }
    }
}
