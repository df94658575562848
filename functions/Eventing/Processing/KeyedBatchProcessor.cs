namespace Store.Eventing.Processing;

/// <summary>
/// The result of applying one event to one entity's state: the new state and the events to emit (typed outputs; the
/// kit derives their envelopes, see <see cref="Emit"/>), or a rejection. For a stateless decision the state says
/// whether the event was this context's to handle: false counts it as ignored, not applied.
/// </summary>
public readonly record struct Decision<TState>(TState State, IReadOnlyList<Emit> Outputs, DataError? Rejection = null)
{
    /// <summary>The new state, emitting nothing.</summary>
    public Decision(TState state)
        : this(state, [])
    {
    }

    /// <summary>The event is valid data but breaks a rule: dead-letter it and keep the state.</summary>
    public static Decision<TState> Reject(TState state, string message) => new(state, [], new DataError(DataErrorKind.RuleViolation, message));
}

/// <summary>A stateful context whose every event touches exactly one entity (an aggregate or a view row).</summary>
public interface IKeyedProjection<TState>
{
    /// <summary>The entity an event applies to; null when this consumer has nothing to do with the event.</summary>
    EntityKey? KeyOf(InboundEvent e);

    /// <summary>
    /// Every entity an event applies to (e.g. an order's row and its day's aggregate); by default the one of
    /// <see cref="KeyOf"/>. The event is applied to each row separately, and each row records it as applied.
    /// </summary>
    IEnumerable<EntityKey> KeysOf(InboundEvent e) => KeyOf(e) is { } key ? [key] : [];

    /// <summary>The state of an entity that does not exist yet.</summary>
    TState Initial(EntityKey key);

    /// <summary>Applies an event: a pure function of the state and the event.</summary>
    Decision<TState> Apply(TState state, InboundEvent e);
}

/// <summary>What a batch produced: outputs to publish (new and carried-over outbox entries) and counters.</summary>
public sealed record ProcessResult(IReadOnlyList<OutgoingEvent> Outputs, string? OutboxToken, int Applied, int Duplicates, int Rejected, int Ignored, int Conflicts)
{
    /// <summary>The rows committed with outboxes under <see cref="OutboxToken"/>: cleared by the caller once published.</summary>
    public ICommittedOutbox? Committed { get; init; }

    public static ProcessResult Empty { get; } = new([], null, 0, 0, 0, 0, 0);
}

/// <summary>
/// Processes a batch with coalesced table I/O: events are grouped by entity, each entity is read once, all of its
/// events are applied in memory in stream order, and each table partition is written once in transactions of at
/// most 100 with ETag conditions. Partitions run in parallel with bounded concurrency; an ETag conflict re-reads
/// and re-applies only that partition's entities. Outputs go into each entity's outbox in the same transaction and
/// are published by the caller after the commit.
/// </summary>
public sealed class KeyedBatchProcessor<TState>(
    TableStateStore<TState> store,
    IKeyedProjection<TState> projection,
    Func<InboundEvent, DataError, OutgoingEvent> deadLetter,
    OutputEncoder outputEncoder,
    OutboxConfirmations confirmations,
    int maxConcurrency = 8,
    int maxConflictRetries = ConflictRetry.MaxRetries)
{
    public TableStateStore<TState> Store => store;

    /// <summary>
    /// Applies the batch and commits it; throws transient failures (the whole batch is retried, duplicates are skipped).
    /// The caller publishes the outputs and then confirms (<see cref="OutboxConfirmations.Confirm"/>) or abandons the
    /// result's <see cref="ProcessResult.OutboxToken"/>.
    /// </summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        var token = Guid.NewGuid().ToString("N");
        confirmations.Begin(token);
        try
        {
            return await ProcessAsync(events, token, ct).ConfigureAwait(false);
        }
        catch
        {
            // The caller confirms the token after publishing; on failure nobody will, so rows carrying it are published by their next reader.
            confirmations.Abandon(token);
            throw;
        }
    }

    private async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, string token, CancellationToken ct)
    {
        var ignored = 0;
        var byPartition = new Dictionary<string, Dictionary<string, List<InboundEvent>>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var any = false;
            foreach (var key in projection.KeysOf(e))
            {
                any = true;
                Add(key, e);
            }

            ignored += any ? 0 : 1;
        }

        void Add(EntityKey key, InboundEvent e)
        {
            if (!byPartition.TryGetValue(key.PartitionKey, out var rows))
            {
                byPartition[key.PartitionKey] = rows = new Dictionary<string, List<InboundEvent>>(StringComparer.Ordinal);
            }

            if (!rows.TryGetValue(key.RowKey, out var list))
            {
                rows[key.RowKey] = list = [];
            }

            list.Add(e);
        }

        var results = new PartitionResult[byPartition.Count];
        var partitions = byPartition.ToArray();
        await Parallel.ForAsync(0, partitions.Length, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = ct }, async (i, ct2) =>
        {
            results[i] = await ProcessPartitionAsync(partitions[i].Key, partitions[i].Value, token, ct2).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var committed = results.SelectMany(r => r.Committed).ToList();
        return new ProcessResult(
            results.SelectMany(r => r.Outputs).ToList(), token,
            results.Sum(r => r.Applied), results.Sum(r => r.Duplicates), results.Sum(r => r.Rejected), ignored, results.Sum(r => r.Conflicts))
        {
            Committed = committed.Count == 0 ? null : new CommittedOutbox<TState>(store, token, committed),
        };
    }

    private async Task<PartitionResult> ProcessPartitionAsync(string partitionKey, Dictionary<string, List<InboundEvent>> rows, string token, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var records = await store.ReadAsync(partitionKey, rows.Keys, ct).ConfigureAwait(false);
            var outbox = new BatchOutbox<TState>(confirmations, token);
            int applied = 0, duplicates = 0, rejected = 0;
            var all = new List<StateRecord<TState>>(records.Count);
            foreach (var (rowKey, rowEvents) in rows)
            {
                var record = records[rowKey];
                all.Add(record);
                var state = record.State ?? projection.Initial(record.Key);
                var produced = new List<OutgoingEvent>();
                foreach (var e in rowEvents)
                {
                    if (record.HasApplied(e))
                    {
                        duplicates++;
                        continue;
                    }

                    var decision = projection.Apply(state, e);
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
                if (produced.Count > 0 || record.IsDirty || (record.Outbox.Count > 0 && outbox.IsPublished(record)))
                {
                    record.State = state;
                    outbox.Write(record, produced);
                }
            }

            try
            {
                await store.CommitAsync(partitionKey, all, ct).ConfigureAwait(false);
                var (outputs, committed) = (new List<OutgoingEvent>(), new List<StateRecord<TState>>());
                outbox.Collect(all, outputs, committed);
                return new PartitionResult(outputs, committed, applied, duplicates, rejected, attempt);
            }
            catch (ConcurrencyConflictException) when (attempt < maxConflictRetries)
            {
                // Another writer changed these entities: re-read and re-apply (decisions are pure, so this is safe).
                await ConflictRetry.BackOffAsync(attempt, ct).ConfigureAwait(false);
            }
        }
    }

    private sealed record PartitionResult(List<OutgoingEvent> Outputs, List<StateRecord<TState>> Committed, int Applied, int Duplicates, int Rejected, int Conflicts);
}
