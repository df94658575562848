namespace Store.Eventing.Processing;

/// <summary>
/// What a command decided: the answer for the caller and, when something changed, the entity's new state with the
/// events it emits (each with its own <see cref="EventCause"/>: a command has no input event).
/// </summary>
public readonly record struct CommandDecision<TState, TAnswer>(TAnswer Answer, TState? NewState = null, IReadOnlyList<Emit>? Outputs = null)
    where TState : class;

/// <summary>
/// Runs commands against single entities: read, decide (pure), commit the state with its outputs in the outbox, publish,
/// clear; outputs not known to be published go out with the next command on the entity (see README.md).
/// </summary>
public sealed partial class EntityCommands<TState>(
    TableStateStore<TState> store,
    OutputEncoder encoder,
    EventOutbox outbox,
    EventingMetrics metrics,
    ILogger<EntityCommands<TState>> logger)
    where TState : class
{
    private static readonly Func<string, bool> AssumeNew = static _ => true;

    /// <summary>Executes <paramref name="decide"/> on the state of <paramref name="key"/> (null when it does not exist).</summary>
    public async Task<TAnswer> ExecuteAsync<TAnswer>(EntityKey key, Func<TState?, CommandDecision<TState, TAnswer>> decide, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            // With a row cache, an uncached row is assumed new on the first attempt (a command usually creates its entity:
            // no read; the insert fails with 409 when it exists after all, and the retry reads it). A decision that writes nothing is
            // only as good as what it read, so one made on a cached or assumed row is made again on a fresh read.
            var record = (await store.ReadAsync(key.PartitionKey, [key.RowKey], attempt == 0 ? AssumeNew : null, ct).ConfigureAwait(false))[key.RowKey];
            var decision = decide(record.State);
            if (decision.NewState is null && !record.IsFresh)
            {
                store.Evict(key.PartitionKey, [key.RowKey]);
                record = (await store.ReadAsync(key.PartitionKey, [key.RowKey], ct).ConfigureAwait(false))[key.RowKey];
                decision = decide(record.State);
            }

            IReadOnlyList<OutgoingEvent> pending = outbox.IsPublished(record.OutboxToken) ? [] : record.Outbox;
            if (decision.NewState is { } state)
            {
                record.State = state;
                record.Outbox = [.. pending, .. encoder.Encode(decision.Outputs ?? [], null)];
                record.OutboxToken = Guid.NewGuid().ToString("N");
                record.IsDirty = true;
                try
                {
                    await store.CommitAsync(key.PartitionKey, [record], ct).ConfigureAwait(false);
                }
                catch (ConcurrencyConflictException) when (attempt < ConflictRetry.MaxRetries)
                {
                    LogConflict(logger, store.Table.Name, key.PartitionKey, attempt + 1);
                    await ConflictRetry.BackOffAsync(attempt, ct).ConfigureAwait(false);
                    continue;
                }

                pending = record.Outbox;
            }

            if (pending.Count > 0)
            {
                await outbox.PublishAsync(pending, [record.OutboxToken!], ct).ConfigureAwait(false);
                metrics.Emitted.Add(pending.Count, new TagList { { "context", encoder.Context }, { "hub", pending[0].Hub } });
                await outbox.ClearAsync(c => store.ClearOutboxesAsync([record], c), $"{store.Table.Name}/{key.PartitionKey}", ct).ConfigureAwait(false);
            }

            return decision.Answer;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Table}/{PartitionKey} changed concurrently; deciding again (attempt {Attempt})")]
    private static partial void LogConflict(ILogger logger, string table, string partitionKey, int attempt);
}
