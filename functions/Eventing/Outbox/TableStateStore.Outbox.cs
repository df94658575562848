namespace Store.Eventing.State;

/// <summary>Clearing published outboxes (see <see cref="OutboxConfirmations"/>).</summary>
public sealed partial class TableStateStore<TState>
{
    /// <summary>
    /// Clears the published outboxes of <paramref name="records"/> and their markers where the row still holds the same
    /// invocation's outbox (ETag, else outbox token); returns how many rows were cleared.
    /// </summary>
    public async Task<int> ClearOutboxesAsync(IEnumerable<StateRecord<TState>> records, CancellationToken ct)
    {
        var cleared = 0;
        foreach (var partition in records.Where(r => r.Outbox.Count > 0 && r.Exists).GroupBy(r => r.Key.PartitionKey, StringComparer.Ordinal))
        {
            var rows = partition.Select(r => (Record: r, Token: r.OutboxToken)).ToList();
            rows.ForEach(r => ClearOutbox(r.Record));
            try
            {
                await CommitAsync(partition.Key, [.. partition], ct).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException)
            {
                // Some row changed since: clear the rows not committed yet one by one.
                foreach (var (record, token) in rows.Where(r => r.Record.IsDirty))
                {
                    if (await GetAsync(partition.Key, record.Key.RowKey, ct).ConfigureAwait(false) is not { Outbox.Count: > 0 } fresh || fresh.OutboxToken != token)
                    {
                        continue;
                    }

                    ClearOutbox(fresh);
                    try
                    {
                        await CommitAsync(partition.Key, [fresh], ct).ConfigureAwait(false);
                        cleared++;
                    }
                    catch (ConcurrencyConflictException)
                    {
                        // Written again in between: that writer owns the outbox now.
                    }
                }
            }

            // Committed rows are no longer dirty.
            cleared += rows.Count(r => !r.Record.IsDirty);
        }

        return cleared;

        static void ClearOutbox(StateRecord<TState> record)
        {
            var unchanged = !record.IsDirty;
            record.Outbox = [];
            record.OutboxToken = null;
            record.IsDirty = true;
            record.OutboxClearedOnly = unchanged;
        }
    }
}
