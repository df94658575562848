namespace Store.Eventing.Processing;

/// <summary>The rows of one table partition an event needs: all of them are read, those in <paramref name="Created"/> may be assumed new when not cached.</summary>
public sealed record RowsNeeded(string Partition, IReadOnlyCollection<string> Keys, IReadOnlyCollection<string>? Created = null);

/// <summary>A row's new state, with the events it emits (committed in the row's outbox, in the same transaction).</summary>
public sealed record RowChange<TRow>(string RowKey, TRow State, IReadOnlyList<Emit>? Outputs = null);

/// <summary>What one event does to its partition: the rows it changes (all in one transaction), or a rule violation. No changes: a no-op.</summary>
public sealed record PartitionDecision<TRow>(IReadOnlyList<RowChange<TRow>> Changes, string? Violation = null)
{
    public static PartitionDecision<TRow> NoOp { get; } = new([]);
}

/// <summary>The rows of the partition as a decision sees them: as loaded, plus the changes of earlier events of the batch.</summary>
public interface IRowView<TRow>
{
    /// <summary>The row's state; null when it does not exist. Only rows named by RowsOf or Referenced are loaded.</summary>
    TRow? Row(string rowKey);
}

/// <summary>A decider whose events each change several rows of one table partition atomically (Inventory: an order and its SKUs).</summary>
public interface IPartitionDecider<TRow>
{
    /// <summary>The rows an event needs; null when this consumer has nothing to do with it.</summary>
    RowsNeeded? RowsOf(InboundEvent e);

    /// <summary>Rows a stored row refers to that the batch must load as well (e.g. the SKU rows of a stored order).</summary>
    IEnumerable<string> Referenced(TRow row);

    /// <summary>Decides one event (pure, idempotent: a redelivered event must be a no-op).</summary>
    PartitionDecision<TRow> Decide(IRowView<TRow> rows, InboundEvent e);
}

/// <summary>
/// Multi-row partition decisions with coalesced table I/O (the kit README, section 3, describes the steps). Decisions
/// need no applied log: they must be idempotent on their own.
/// </summary>
public sealed partial class PartitionBatchProcessor<TRow>(
    TableStateStore<TRow> store,
    IPartitionDecider<TRow> decider,
    Func<InboundEvent, DataError, OutgoingEvent> deadLetter,
    OutputEncoder outputEncoder,
    EventOutbox outbox,
    ILogger logger,
    int maxConflictRetries = ConflictRetry.HotRowRetries)
    where TRow : class
{
    // Batches of different source partitions in this process touch the same rows; letting them race only produces ETag
    // conflicts and re-reads. One batch at a time per table partition and process; ETags still arbitrate between processes.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _writers = new(StringComparer.Ordinal);

    public TableStateStore<TRow> Store => store;

    /// <summary>As <see cref="KeyedBatchProcessor{TState}.ProcessAsync"/>; applied events are no-ops when retried.</summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        var needed = events.Select(e => (Event: e, Rows: decider.RowsOf(e)!)).ToList();
        var ignored = needed.RemoveAll(n => n.Rows is null);
        var partitions = needed.GroupBy(n => n.Rows.Partition, StringComparer.Ordinal).ToArray();
        return await PartitionedBatch.RunAsync(partitions, ignored, -1, store, outbox, (p, token, c) => ProcessPartitionAsync(p.Key, [.. p], token, c), ct)
            .ConfigureAwait(false);
    }

    private async Task<PartitionResult<TRow>> ProcessPartitionAsync(string partition, List<(InboundEvent Event, RowsNeeded Rows)> events, string token, CancellationToken ct)
    {
        var writer = _writers.GetOrAdd(partition, _ => new SemaphoreSlim(1, 1));
        var reads = new ReadPlan();
        for (var attempt = 0; ; attempt++)
        {
            await writer.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var result = await AttemptAsync(partition, events, token, reads, ct).ConfigureAwait(false);
                return result with { Conflicts = attempt };
            }
            catch (ConcurrencyConflictException ex) when (attempt < maxConflictRetries)
            {
                // Re-read everything from the table and re-apply: events committed by an earlier transaction of this
                // batch are no-ops now.
                reads.AllFresh = true;
                LogConflict(logger, ex, store.Table.Name, partition, attempt + 1);
            }
            finally
            {
                writer.Release();
            }

            await ConflictRetry.BackOffAsync(attempt, ct).ConfigureAwait(false);
        }
    }

    /// <summary>One attempt: decide every event in memory, then write the decided rows.</summary>
    private async Task<PartitionResult<TRow>> AttemptAsync(string partition, List<(InboundEvent Event, RowsNeeded Rows)> events, string token, ReadPlan reads, CancellationToken ct)
    {
        // 1. A decision may rely on a cached row only if it (or an earlier decision of the batch) writes it, which
        //    validates it; when it looked at other cached rows, those are re-read and the batch is decided again.
        Dictionary<string, StateRecord<TRow>> rows;
        PartitionDecision<TRow>[] decided;
        while (true)
        {
            rows = await ReadRowsAsync(partition, events, reads, ct).ConfigureAwait(false);
            var view = new OverlayView(rows);
            decided = [.. events.Select(e => view.Decide(decider, e.Event))];
            if (view.Stale.Count == 0)
            {
                break;
            }

            store.Evict(partition, view.Stale);
            reads.MustRead.UnionWith(view.Stale);
        }

        // 2. Write the decided rows: every event's rows in one transaction; independent ones concurrently.
        var enrolled = outbox.Open<TRow>(token);
        var failed = new List<OutgoingEvent>();
        var changes = new List<int>(events.Count);
        var changedKeys = new List<IReadOnlyCollection<string>>(events.Count);
        var noOps = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var decision = decided[i];
            if (decision.Violation is { } violation)
            {
                failed.Add(deadLetter(events[i].Event, new DataError(DataErrorKind.RuleViolation, violation)));
            }
            else if (decision.Changes.Count == 0)
            {
                noOps++;
            }
            else
            {
                changes.Add(i);
                changedKeys.Add(OperationKeys(decision, rows));
            }
        }

        if (TransactionPlanner.Plan(changedKeys) is { } plan)
        {
            foreach (var i in changes)
            {
                Write(events[i].Event, decided[i], rows, enrolled);
            }

            var transactions = plan.Select(members => (IReadOnlyList<StateRecord<TRow>>)members
                .SelectMany(m => decided[changes[m]].Changes).Select(c => rows[c.RowKey]).Distinct().ToList()).ToList();
            await store.CommitConcurrentlyAsync(partition, transactions, ct).ConfigureAwait(false);
        }
        else
        {
            // Some connected events need more than 100 rows together (e.g. many orders of one hot SKU): commit in stream
            // order, flushing before an event whose rows would not fit, so that no event is split.
            var group = new Dictionary<string, StateRecord<TRow>>(StringComparer.Ordinal);
            var operations = new HashSet<string>(StringComparer.Ordinal);
            for (var n = 0; n < changes.Count; n++)
            {
                if (operations.Count + changedKeys[n].Count(k => !operations.Contains(k)) > TableStateStore<TRow>.MaxTransactionSize)
                {
                    await store.CommitAsync(partition, [.. group.Values], ct).ConfigureAwait(false);
                    group.Clear();
                    operations.Clear();
                }

                Write(events[changes[n]].Event, decided[changes[n]], rows, enrolled);
                operations.UnionWith(changedKeys[n]);
                foreach (var c in decided[changes[n]].Changes)
                {
                    group[c.RowKey] = rows[c.RowKey];
                }
            }

            if (group.Count > 0)
            {
                await store.CommitAsync(partition, [.. group.Values], ct).ConfigureAwait(false);
            }
        }

        // Publish what this attempt committed, plus outboxes of earlier invocations not known to be published (same ids).
        var (outputs, committed) = enrolled.Collect(rows.Values);
        return new PartitionResult<TRow>([.. failed, .. outputs], committed, changes.Count, noOps, failed.Count, 0);
    }

    private void Write(InboundEvent e, PartitionDecision<TRow> decision, Dictionary<string, StateRecord<TRow>> rows, BatchOutbox<TRow> enrolled)
    {
        foreach (var change in decision.Changes)
        {
            var record = rows[change.RowKey];
            record.State = change.State;
            enrolled.Enroll(record, change.Outputs is { Count: > 0 } outputs ? outputEncoder.Encode(outputs, e) : null);
        }
    }

    // The table operations of a change: its rows, plus the marker of each row that holds or gets an outbox.
    private static List<string> OperationKeys(PartitionDecision<TRow> decision, Dictionary<string, StateRecord<TRow>> rows)
    {
        var keys = new List<string>(decision.Changes.Count + 1);
        foreach (var change in decision.Changes)
        {
            keys.Add(change.RowKey);
            var record = rows.GetValueOrDefault(change.RowKey) ?? throw new InvalidOperationException($"A decision changed row '{change.RowKey}', which it did not name in RowsOf or Referenced.");
            if (change.Outputs is { Count: > 0 } || record.Outbox.Count > 0)
            {
                keys.Add(OutboxMarkers.MarkerPrefix + change.RowKey);
            }
        }

        return keys;
    }

    // Reads every row the events need, then the rows those refer to. A row an event creates is assumed new when not
    // cached; rows in MustRead, or every row after a conflict, come from the table.
    private async Task<Dictionary<string, StateRecord<TRow>>> ReadRowsAsync(string partition, List<(InboundEvent Event, RowsNeeded Rows)> events, ReadPlan reads, CancellationToken ct)
    {
        var keys = events.SelectMany(e => e.Rows.Keys).ToHashSet(StringComparer.Ordinal);
        var created = events.SelectMany(e => e.Rows.Created ?? []).ToHashSet(StringComparer.Ordinal);

        // Rows that must come from the table are evicted before every read (an earlier attempt's read cached them again).
        store.Evict(partition, reads.AllFresh ? keys : reads.MustRead);
        bool AssumeNew(string key) => !reads.AllFresh && created.Contains(key) && !reads.MustRead.Contains(key);
        var rows = await store.ReadAsync(partition, keys, AssumeNew, ct).ConfigureAwait(false);
        var more = rows.Values.Where(r => r.State is not null).SelectMany(r => decider.Referenced(r.State!)).Where(k => !rows.ContainsKey(k)).ToHashSet(StringComparer.Ordinal);
        if (reads.AllFresh)
        {
            store.Evict(partition, more);
        }

        foreach (var (key, record) in await store.ReadAsync(partition, more, ct).ConfigureAwait(false))
        {
            rows[key] = record;
        }

        return rows;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Table}/{Partition} batch lost an optimistic-concurrency race (attempt {Attempt}); re-reading and re-applying")]
    private static partial void LogConflict(ILogger logger, Exception exception, string table, string partition, int attempt);

    // Which rows the next attempt reads from the table: all after a conflict, else those a decision looked at without writing.
    private sealed class ReadPlan
    {
        public bool AllFresh { get; set; }

        public HashSet<string> MustRead { get; } = new(StringComparer.Ordinal);
    }

    // The loaded rows plus the changes of earlier decisions (records are not written while deciding). Stale: the cached
    // rows a decision looked at that neither it nor an earlier decision writes (read from the table they are valid).
    private sealed class OverlayView(Dictionary<string, StateRecord<TRow>> rows) : IRowView<TRow>
    {
        private readonly Dictionary<string, TRow> _changed = new(StringComparer.Ordinal);
        private readonly List<string> _looked = [];

        public HashSet<string> Stale { get; } = new(StringComparer.Ordinal);

        public PartitionDecision<TRow> Decide(IPartitionDecider<TRow> decider, InboundEvent e)
        {
            _looked.Clear();
            var decision = decider.Decide(this, e);
            Stale.UnionWith(_looked.Where(key => !_changed.ContainsKey(key) && !rows[key].IsFresh && decision.Changes.All(c => c.RowKey != key)));
            foreach (var change in decision.Violation is null ? decision.Changes : [])
            {
                _changed[change.RowKey] = change.State;
            }

            return decision;
        }

        public TRow? Row(string rowKey)
        {
            _looked.Add(rowKey);
            return _changed.TryGetValue(rowKey, out var changed) ? changed
                : rows.TryGetValue(rowKey, out var record) ? record.State : throw new InvalidOperationException($"Row '{rowKey}' was not loaded for this batch.");
        }
    }
}
