namespace Store.Eventing.State;

/// <summary>ETag-conditioned writes in entity-group transactions.</summary>
public sealed partial class TableStateStore<TState>
{
    /// <summary>
    /// Writes the dirty records of one partition with their outbox markers and applied marks in transactions of at most
    /// 100 operations, each conditional on the ETag read (insert when new). Throws <see cref="ConcurrencyConflictException"/>
    /// when another writer got there first: the caller re-reads and re-applies; <see cref="EventsAlreadyAppliedException"/>
    /// when rows had applied some of their new events before: the caller drops those and re-applies the rest.
    /// </summary>
    public async Task CommitAsync(string partitionKey, IReadOnlyList<StateRecord<TState>> records, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        if (records.FirstOrDefault(r => r.IsDirty && r.Key.PartitionKey != partitionKey) is { } stray)
        {
            throw new ArgumentException($"Record {stray.Key} is not in partition '{partitionKey}'.", nameof(records));
        }

        var chunk = new List<StateRecord<TState>>();
        var operations = 0;
        foreach (var record in records.Where(r => r.IsDirty))
        {
            if (record.NewlyApplied.Count > MaxNewlyAppliedPerWrite)
            {
                throw new ArgumentException($"Row {record.Key} newly applies {record.NewlyApplied.Count} events; one write marks at most {MaxNewlyAppliedPerWrite}.", nameof(records));
            }

            if (operations + OperationsOf(record) > MaxTransactionSize)
            {
                await CommitChunkAsync(partitionKey, chunk, ct).ConfigureAwait(false);
                (chunk, operations) = ([], 0);
            }

            chunk.Add(record);
            operations += OperationsOf(record);
        }

        if (chunk.Count > 0)
        {
            await CommitChunkAsync(partitionKey, chunk, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The most events a row can newly apply in one write: its marks share the transaction with the row and its outbox marker.</summary>
    public const int MaxNewlyAppliedPerWrite = MaxTransactionSize - 2;

    // Its row, plus its marker when it holds or held an outbox, plus a mark per event newly applied.
    private static int OperationsOf(StateRecord<TState> record) =>
        1 + (record.Outbox.Count > 0 || record.StoredOutbox ? 1 : 0) + record.NewlyApplied.Count;

    private async Task CommitChunkAsync(string partitionKey, List<StateRecord<TState>> chunk, CancellationToken ct)
    {
        if (chunk.Exists(r => r.Outbox.Count > 0))
        {
            // Before the transaction, so that every committed marker's partition is listed for the relay.
            await Markers.EnsureIndexedAsync(partitionKey, ct).ConfigureAwait(false);
        }

        // Each record's row action, followed by its marker action if any, then its marks.
        var actions = new List<TableTransactionAction>(chunk.Sum(OperationsOf));
        var rowAction = new int[chunk.Count];
        var marks = new Dictionary<int, AppliedMark>();
        for (var i = 0; i < chunk.Count; i++)
        {
            var record = chunk[i];
            rowAction[i] = actions.Count;
            actions.Add(record switch
            {
                // Clearing a published outbox changes nothing else: merge the emptied outbox, not the whole row.
                { OutboxClearedOnly: true, Exists: true } => new TableTransactionAction(TableTransactionActionType.UpdateMerge, StateRowCodec<TState>.ClearedOutbox(record), record.ETag),
                { Exists: true } => new TableTransactionAction(TableTransactionActionType.UpdateReplace, _codec.ToEntity(record), record.ETag),
                _ => new TableTransactionAction(TableTransactionActionType.Add, _codec.ToEntity(record)),
            });
            if (record.Outbox.Count > 0)
            {
                // Upserted on every write that keeps an outbox: the marker's Timestamp is when the outbox last changed.
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, OutboxMarkers.Marker(partitionKey, record.Key.RowKey)));
            }
            else if (record.StoredOutbox)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, OutboxMarkers.Marker(partitionKey, record.Key.RowKey), ETag.All));
            }

            foreach (var eventId in record.NewlyApplied)
            {
                // Inserted, never upserted: an existing mark fails the transaction, so no row applies an event twice.
                marks[actions.Count] = new AppliedMark(record.Key.RowKey, eventId);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, AppliedMarks.Mark(partitionKey, record.Key.RowKey, eventId)));
            }
        }

        Response<IReadOnlyList<Response>> response;
        try
        {
            Interlocked.Increment(ref _roundTrips);
            Interlocked.Increment(ref _transactions);
            Interlocked.Add(ref _entitiesWritten, actions.Count);
            response = await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404 && ex.FailedTransactionActionIndex is { } failed && actions[failed].ActionType == TableTransactionActionType.Delete)
        {
            // The marker was already gone (removed as stale by the relay, or a row written before markers existed):
            // nothing to delete; the transaction is submitted again without that delete.
            chunk[Array.IndexOf(rowAction, failed - 1)].StoredOutbox = false;
            await CommitChunkAsync(partitionKey, chunk, ct).ConfigureAwait(false);
            return;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex is { } failed && marks.TryGetValue(failed, out var mark))
        {
            // A copy of an event the row applied before, beyond its in-row window. Nothing was committed; every mark of
            // the transaction is looked up so that a run of such copies costs one failed transaction, not one each.
            // The row is evicted too: if its cached version missed the event, it may be stale.
            var found = await AppliedMarks.ExistingAsync(table, partitionKey, [.. marks.Values.Where(m => m != mark)], MaxParallelReads, ct).ConfigureAwait(false);
            Interlocked.Add(ref _roundTrips, marks.Count - 1);
            Evict(partitionKey, found.Select(m => m.RowKey).Append(mark.RowKey).Distinct());
            throw new EventsAlreadyAppliedException($"Events already applied to rows of table '{table.Name}', partition '{partitionKey}'.", [mark, .. found], ex);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            // The failing row is stale in the cache (or was assumed new): forget it so the caller's re-read sees the table.
            var row = ex.FailedTransactionActionIndex is { } failed ? Array.IndexOf(rowAction, failed) : -1;
            Evict(partitionKey, row >= 0 ? [chunk[row].Key.RowKey] : chunk.Select(r => r.Key.RowKey));

            throw new ConcurrencyConflictException($"Optimistic concurrency conflict in table '{table.Name}', partition '{partitionKey}'.", ex);
        }
        catch
        {
            // Outcome unknown (the transaction may have committed): stop trusting these rows.
            Evict(partitionKey, chunk.Select(r => r.Key.RowKey));
            throw;
        }

        for (var i = 0; i < chunk.Count; i++)
        {
            var record = chunk[i];
            // A merge's entity carries only the outbox properties: the cache takes the row from the record then.
            var written = actions[rowAction[i]].ActionType == TableTransactionActionType.UpdateMerge ? CachedRow<TState>.Of(record) : CachedRow<TState>.Of((TableEntity)actions[rowAction[i]].Entity, record);
            record.ETag = response.Value[rowAction[i]].Headers.ETag ?? throw new InvalidOperationException("Table transaction response has no ETag.");
            record.IsDirty = false;
            record.StoredOutbox = record.Outbox.Count > 0;
            record.MarksCommitted();
            _cache?.Set(partitionKey, record.Key.RowKey, written, record.ETag);
        }
    }

    /// <summary>
    /// Commits independent transactions of one partition concurrently: each list must fit in one transaction and no
    /// record may be in two (see <see cref="TransactionPlanner"/>). After all finish, rethrows a failure other than a
    /// conflict if any, else a conflict; transactions that succeeded stay committed.
    /// </summary>
    public async Task CommitConcurrentlyAsync(string partitionKey, IReadOnlyList<IReadOnlyList<StateRecord<TState>>> transactions, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        foreach (var records in transactions)
        {
            var operations = records.Where(r => r.IsDirty).Sum(OperationsOf);
            if (records.Count > MaxTransactionSize || operations > MaxTransactionSize)
            {
                throw new ArgumentException($"A transaction holds at most {MaxTransactionSize} operations (rows, outbox markers and applied marks), got {operations}.", nameof(transactions));
            }
        }

        var failures = new Exception?[transactions.Count];
        await Parallel.ForAsync(0, transactions.Count, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelTransactions }, async (i, _) =>
        {
            try
            {
                await CommitAsync(partitionKey, transactions[i], ct).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failures[i] = ex;
            }
        }).ConfigureAwait(false);

        if ((Array.Find(failures, f => f is not null and not ConcurrencyConflictException) ?? Array.Find(failures, f => f is not null)) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }
}
