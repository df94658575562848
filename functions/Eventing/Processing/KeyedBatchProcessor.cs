namespace Store.Eventing.Processing;

/// <summary>
/// Runs an <see cref="IKeyedDecider{TState}"/> or an <see cref="IKeyedProjection{TState}"/> on a batch with coalesced
/// table I/O; outputs go into the rows' outboxes, the caller publishes them after the commit (see README.md).
/// </summary>
public sealed class KeyedBatchProcessor<TState>(
    TableStateStore<TState> store,
    IKeyedRows<TState> role,
    Func<InboundEvent, DataError, OutgoingEvent> deadLetter,
    OutputEncoder outputEncoder,
    EventOutbox outbox,
    int maxConcurrency = 8,
    int maxConflictRetries = ConflictRetry.MaxRetries)
{
    public TableStateStore<TState> Store => store;

    /// <summary>
    /// Applies and commits the batch; throws transient failures (the batch is retried; duplicates are skipped). The
    /// caller publishes the outputs, then confirms or abandons the result's outbox token.
    /// </summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        // Grouped by partition, then row; GroupBy keeps stream order within each row.
        var keyed = events.Select(e => (Event: e, Keys: role.KeysOf(e).ToList())).ToList();
        var partitions = keyed.SelectMany(k => k.Keys.Select(key => (Key: key, k.Event)))
            .GroupBy(k => k.Key.PartitionKey, StringComparer.Ordinal)
            .Select(p => (p.Key, Rows: p.GroupBy(k => k.Key.RowKey, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Select(k => k.Event).ToList(), StringComparer.Ordinal)))
            .ToArray();
        return await PartitionedBatch.RunAsync(partitions, keyed.Count(k => k.Keys.Count == 0), maxConcurrency, store, outbox,
            (p, token, c) => ProcessPartitionAsync(p.Key, p.Rows, token, c), ct).ConfigureAwait(false);
    }

    private Decision<TState> Decide(TState state, InboundEvent e) =>
        role is IKeyedDecider<TState> decider ? decider.Decide(state, e) : new(((IKeyedProjection<TState>)role).Apply(state, e));

    private async Task<PartitionResult<TState>> ProcessPartitionAsync(string partitionKey, Dictionary<string, List<InboundEvent>> rows, string token, CancellationToken ct)
    {
        // Both survive a failed commit: how far each row's committed events go, and the events whose marks showed them applied.
        var progress = new RowProgress(rows);
        var known = new HashSet<AppliedMark>();
        for (var conflicts = 0; ;)
        {
            var records = await store.ReadAsync(partitionKey, rows.Keys, ct).ConfigureAwait(false);
            var enrolled = outbox.Open<TState>(token);
            Dictionary<string, RowRound>? round = null;
            try
            {
                // A write newly applies at most MaxNewlyAppliedPerWrite events to a row (their marks share its
                // transaction), so a busy row takes several rounds, each committed before the next.
                while (progress.Pending)
                {
                    round = ApplyRound(rows, records, progress, known, enrolled);
                    await store.CommitAsync(partitionKey, [.. records.Values], ct).ConfigureAwait(false);
                    progress.Advance(round, records);
                }

                var (outputs, committed) = enrolled.Collect(records.Values);
                return new PartitionResult<TState>(outputs, committed, progress.Applied, progress.Duplicates, progress.Rejected, conflicts);
            }
            catch (EventsAlreadyAppliedException ex)
            {
                // Copies older than the rows' windows: dropped for those rows on the re-read. Known marks are never written
                // again, so each failure teaches at least one new mark of this batch, and this ends.
                progress.Advance(round, records);
                if (ex.Marks.Count(known.Add) == 0)
                {
                    throw;
                }
            }
            catch (ConcurrencyConflictException) when (conflicts < maxConflictRetries)
            {
                progress.Advance(round, records);
                await ConflictRetry.BackOffAsync(conflicts++, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Applies each row's next events in memory (from where its committed ones end), at most
    /// <see cref="TableStateStore{TState}.MaxNewlyAppliedPerWrite"/> new ones per row, and writes the rows that changed.
    /// </summary>
    private Dictionary<string, RowRound> ApplyRound(
        Dictionary<string, List<InboundEvent>> rows, Dictionary<string, StateRecord<TState>> records, RowProgress progress, HashSet<AppliedMark> known, BatchOutbox<TState> enrolled)
    {
        var round = new Dictionary<string, RowRound>(rows.Count, StringComparer.Ordinal);
        foreach (var (rowKey, rowEvents) in rows)
        {
            var record = records[rowKey];
            var state = record.State ?? role.Initial(record.Key);
            var produced = new List<OutgoingEvent>();
            var (next, applied, duplicates, rejected) = (progress.Done(rowKey), 0, 0, 0);
            for (; next < rowEvents.Count; next++)
            {
                var e = rowEvents[next];
                if (record.HasApplied(e) || known.Contains(new AppliedMark(rowKey, e.Event.Id)))
                {
                    duplicates++;
                    continue;
                }

                if (record.NewlyApplied.Count == TableStateStore<TState>.MaxNewlyAppliedPerWrite)
                {
                    break;
                }

                var decision = Decide(state, e);
                if (decision.Rejection is { } error)
                {
                    produced.Add(deadLetter(e, error));
                    rejected++;
                }
                else
                {
                    state = decision.State;
                    produced.AddRange(outputEncoder.Encode(decision.Outputs, e));
                    applied++;
                }

                record.MarkApplied(e);
            }

            // A row with new events or outputs is written; so is one whose published outbox can be cleared.
            if (produced.Count > 0 || record.IsDirty || (record.Outbox.Count > 0 && enrolled.IsPublished(record)))
            {
                record.State = state;
                enrolled.Enroll(record, produced);
            }

            round[rowKey] = new RowRound(next, applied, duplicates, rejected);
        }

        return round;
    }

    /// <summary>What a round did to one row: where its events now end, and the counts.</summary>
    private readonly record struct RowRound(int Next, int Applied, int Duplicates, int Rejected);

    /// <summary>Per row, how many of its events of the batch are committed (or were no-ops), and the counts of those.</summary>
    private sealed class RowProgress(Dictionary<string, List<InboundEvent>> rows)
    {
        private readonly Dictionary<string, int> _done = rows.Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);

        public int Applied { get; private set; }

        public int Duplicates { get; private set; }

        public int Rejected { get; private set; }

        public bool Pending => rows.Any(r => _done[r.Key] < r.Value.Count);

        public int Done(string rowKey) => _done[rowKey];

        /// <summary>Takes over the round of every row that is committed (not dirty): all of them after a commit, some after a failure.</summary>
        public void Advance(Dictionary<string, RowRound>? round, Dictionary<string, StateRecord<TState>> records)
        {
            foreach (var (rowKey, row) in round ?? [])
            {
                if (!records[rowKey].IsDirty && row.Next > _done[rowKey])
                {
                    _done[rowKey] = row.Next;
                    (Applied, Duplicates, Rejected) = (Applied + row.Applied, Duplicates + row.Duplicates, Rejected + row.Rejected);
                }
            }
        }
    }
}

/// <summary>What one table partition of a batch produced; Duplicates counts no-ops for partition decisions.</summary>
internal sealed record PartitionResult<TRow>(List<OutgoingEvent> Outputs, List<StateRecord<TRow>> Committed, int Applied, int Duplicates, int Rejected, int Conflicts);

/// <summary>
/// The batch loop both processors share: partitions in parallel (at most maxConcurrency; -1: one per core) in one outbox
/// unit, results summed. If processing fails nobody publishes the unit, so it is abandoned here.
/// </summary>
internal static class PartitionedBatch
{
    public static async Task<ProcessResult> RunAsync<TPartition, TRow>(
        TPartition[] partitions, int ignored, int maxConcurrency, TableStateStore<TRow> store, EventOutbox outbox,
        Func<TPartition, string, CancellationToken, Task<PartitionResult<TRow>>> process, CancellationToken ct)
    {
        if (partitions.Length == 0)
        {
            return ProcessResult.Empty with { Ignored = ignored };
        }

        var token = outbox.Begin();
        try
        {
            var results = new PartitionResult<TRow>[partitions.Length];
            await Parallel.ForAsync(0, partitions.Length, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = ct }, async (i, c) =>
                results[i] = await process(partitions[i], token, c).ConfigureAwait(false)).ConfigureAwait(false);

            var committed = results.SelectMany(r => r.Committed).ToList();
            return new ProcessResult
            {
                Outputs = results.SelectMany(r => r.Outputs).ToList(),
                OutboxToken = token,
                ClearPublished = committed.Count == 0 ? null
                    : c => store.ClearOutboxesAsync(committed.Where(r => r.OutboxToken == token && r.Outbox.Count > 0 && !r.IsDirty), c),
                Applied = results.Sum(r => r.Applied),
                Duplicates = results.Sum(r => r.Duplicates),
                Rejected = results.Sum(r => r.Rejected),
                Ignored = ignored,
                Conflicts = results.Sum(r => r.Conflicts),
            };
        }
        catch
        {
            outbox.Abandon(token);
            throw;
        }
    }
}
