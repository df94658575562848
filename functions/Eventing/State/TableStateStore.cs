namespace Store.Eventing.State;

/// <summary>
/// Idempotent Azure Tables state: coalesced reads (each key once per batch, as bounded-parallel point reads), writes in
/// entity-group transactions of at most 100 per partition key with ETag conditions, and the bookkeeping of
/// <see cref="StateRecord{TState}"/> stored in the same entity as the state. With <paramref name="cacheCapacity"/> &gt; 0
/// it keeps an ETag-validated cache of the rows this process last read or wrote, so steady-state batches skip reads
/// (and parsing: cached rows keep their parsed state, so <typeparamref name="TState"/> must be immutable, e.g. records
/// whose changes make new instances).
/// </summary>
public sealed class TableStateStore<TState>(TableClient table, JsonTypeInfo<TState> stateType, int appliedWindow = 256, int cacheCapacity = 0, TimeSpan? indexRefresh = null)
{
    public const int MaxTransactionSize = 100;

    /// <summary>Point reads in flight per read call; point reads, not OR filters, which scan the partition (tests/Benchmarks README, "reads").</summary>
    public const int MaxParallelReads = 16;

    private const int MaxParallelTransactions = 4;

    // A binary property holds at most 64 KiB; the outbox spills over into Outbox1..Outbox14 (an entity holds at most 1 MiB).
    private const int OutboxChunk = 60 * 1024;
    private const int MaxOutboxChunks = 15;

    private readonly StateRowCache<CachedRow>? _cache = cacheCapacity > 0 ? new StateRowCache<CachedRow>(cacheCapacity) : null;
    private int _roundTrips;
    private int _transactions;
    private int _entitiesWritten;
    private Task? _created;

    public TableClient Table => table;

    /// <summary>The outbox markers and their partition index, for the relay.</summary>
    public OutboxMarkers Markers { get; } = new(table, indexRefresh);

    /// <summary>Table requests so far (reads and transactions), for tests and benchmarks.</summary>
    public int RoundTrips => Volatile.Read(ref _roundTrips);

    public int Transactions => Volatile.Read(ref _transactions);

    /// <summary>Operations submitted in transactions so far, failed attempts included.</summary>
    public int EntitiesWritten => Volatile.Read(ref _entitiesWritten);

    /// <summary>
    /// Creates the table if missing, once per store (reads and commits call it: tables are created lazily). A failed or
    /// cancelled attempt is retried by the next call; racing callers are harmless.
    /// </summary>
    public Task EnsureCreatedAsync(CancellationToken ct)
    {
        var created = Volatile.Read(ref _created);
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            created = table.CreateIfNotExistsAsync(ct);
            Volatile.Write(ref _created, created);
        }

        return created;
    }

    /// <summary>Reads the given rows of one partition, once each; missing rows come back as new records.</summary>
    public Task<Dictionary<string, StateRecord<TState>>> ReadAsync(string partitionKey, IReadOnlyCollection<string> rowKeys, CancellationToken ct) =>
        ReadAsync(partitionKey, rowKeys, null, ct);

    /// <summary>
    /// Reads the given rows of one partition, once each: from the row cache when it holds them, else by bounded-parallel
    /// point reads (which fill the cache). With a cache, an
    /// uncached row for which <paramref name="assumeNewWhenUncached"/> is true is returned as new without a read: its
    /// insert fails (409) if it exists after all.
    /// </summary>
    public async Task<Dictionary<string, StateRecord<TState>>> ReadAsync(
        string partitionKey, IReadOnlyCollection<string> rowKeys, Func<string, bool>? assumeNewWhenUncached, CancellationToken ct)
    {
        var result = new Dictionary<string, StateRecord<TState>>(rowKeys.Count, StringComparer.Ordinal);
        var misses = new List<string>();
        foreach (var key in rowKeys.Distinct())
        {
            if (_cache is not null && _cache.TryGet(partitionKey, key, out var cached, out var etag))
            {
                result[key] = new(new EntityKey(partitionKey, key), cached.State, etag, AppliedLog.Parse(cached.Applied, cached.Positions, appliedWindow), cached.Outbox, cached.OutboxToken);
            }
            else if (_cache is not null && assumeNewWhenUncached?.Invoke(key) == true)
            {
                result[key] = New(partitionKey, key, fresh: false);
            }
            else
            {
                result[key] = null!; // keeps the order of rowKeys; replaced below
                misses.Add(key);
            }
        }

        if (misses.Count > 0)
        {
            await EnsureCreatedAsync(ct).ConfigureAwait(false);
            await Parallel.ForEachAsync(misses, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = ct }, async (key, c) =>
            {
                var record = await PointReadAsync(partitionKey, key, cache: true, c).ConfigureAwait(false) ?? New(partitionKey, key, fresh: true);
                lock (result)
                {
                    result[key] = record;
                }
            }).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Forgets cached rows, so that the next read goes to the table.</summary>
    public void Evict(string partitionKey, IEnumerable<string> rowKeys)
    {
        foreach (var key in rowKeys)
        {
            _cache?.Evict(partitionKey, key);
        }
    }

    private async Task<StateRecord<TState>?> PointReadAsync(string partitionKey, string rowKey, bool cache, CancellationToken ct)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
        Interlocked.Increment(ref _roundTrips);
        if (!response.HasValue)
        {
            return null;
        }

        var record = FromEntity(response.Value!);
        if (cache)
        {
            _cache?.Set(partitionKey, rowKey, CachedRow.Of(response.Value!, record), record.ETag);
        }

        return record;
    }

    private StateRecord<TState> New(string partitionKey, string rowKey, bool fresh) =>
        new(new EntityKey(partitionKey, rowKey), default, default, new AppliedLog(appliedWindow), [], null) { IsFresh = fresh };

    /// <summary>Reads every state row of a partition (for queries and exports).</summary>
    public async Task<List<StateRecord<TState>>> ReadPartitionAsync(string partitionKey, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var rows = new List<StateRecord<TState>>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), cancellationToken: ct).ConfigureAwait(false))
        {
            if (!OutboxMarkers.IsMarker(entity.RowKey))
            {
                rows.Add(FromEntity(entity));
            }
        }

        return rows;
    }

    /// <summary>The state of one entity (for queries); null when it does not exist.</summary>
    public async Task<TState?> FindAsync(EntityKey key, CancellationToken ct) =>
        (await GetAsync(key.PartitionKey, key.RowKey, ct).ConfigureAwait(false)) is { } record ? record.State : default;

    /// <summary>Reads one row from the table (never the cache); null when missing.</summary>
    public async Task<StateRecord<TState>?> GetAsync(string partitionKey, string rowKey, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await PointReadAsync(partitionKey, rowKey, cache: false, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the dirty records of one partition with their outbox markers in transactions of at most 100 operations,
    /// each conditional on the ETag read (insert when new). Throws <see cref="ConcurrencyConflictException"/> when another
    /// writer got there first: the caller re-reads and re-applies.
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

    // Its row, plus its marker when it holds or held an outbox.
    private static int OperationsOf(StateRecord<TState> record) =>
        1 + (record.Outbox.Count > 0 || record.StoredOutbox ? 1 : 0);

    private async Task CommitChunkAsync(string partitionKey, List<StateRecord<TState>> chunk, CancellationToken ct)
    {
        if (chunk.Exists(r => r.Outbox.Count > 0))
        {
            // Before the transaction, so that every committed marker's partition is listed for the relay.
            await Markers.EnsureIndexedAsync(partitionKey, ct).ConfigureAwait(false);
        }

        // Each record's row action, followed by its marker action if any.
        var actions = new List<TableTransactionAction>(chunk.Count * 2);
        var rowAction = new int[chunk.Count];
        for (var i = 0; i < chunk.Count; i++)
        {
            var record = chunk[i];
            var entity = ToEntity(record);
            rowAction[i] = actions.Count;
            actions.Add(record.Exists
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, record.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, entity));
            if (record.Outbox.Count > 0)
            {
                // Upserted on every write that keeps an outbox: the marker's Timestamp is when the outbox last changed.
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, OutboxMarkers.Marker(partitionKey, record.Key.RowKey)));
            }
            else if (record.StoredOutbox)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, OutboxMarkers.Marker(partitionKey, record.Key.RowKey), ETag.All));
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
            record.ETag = response.Value[rowAction[i]].Headers.ETag ?? throw new InvalidOperationException("Table transaction response has no ETag.");
            record.IsDirty = false;
            record.StoredOutbox = record.Outbox.Count > 0;
            _cache?.Set(partitionKey, record.Key.RowKey, CachedRow.Of((TableEntity)actions[rowAction[i]].Entity, record), record.ETag);
        }
    }

    /// <summary>
    /// Clears the published outboxes of committed <paramref name="records"/> and their markers, each only if the row still
    /// holds the outbox of the same invocation (ETag, or after a conflict the same outbox token). A row written by someone
    /// else since keeps its outbox for its writer or the relay. Returns how many rows were cleared.
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
            record.Outbox = [];
            record.OutboxToken = null;
            record.IsDirty = true;
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
                throw new ArgumentException($"A transaction holds at most {MaxTransactionSize} operations (rows and outbox markers), got {operations}.", nameof(transactions));
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

    // Parsed state and outbox (immutable), and the applied log as stored: each read gets its own mutable log.
    private sealed record CachedRow(TState? State, string? Applied, string? Positions, IReadOnlyList<OutgoingEvent> Outbox, string? OutboxToken)
    {
        public static CachedRow Of(TableEntity entity, StateRecord<TState> record) =>
            new(record.State, entity.GetString("Applied"), entity.GetString("Positions"), record.Outbox, record.OutboxToken);
    }

    private StateRecord<TState> FromEntity(TableEntity entity)
    {
        var stateJson = entity.GetString("State");
        var state = string.IsNullOrEmpty(stateJson) ? default : JsonSerializer.Deserialize(stateJson, stateType);
        var applied = AppliedLog.Parse(entity.GetString("Applied"), entity.GetString("Positions"), appliedWindow);
        return new(new EntityKey(entity.PartitionKey, entity.RowKey), state, entity.ETag, applied, ReadOutbox(entity), entity.GetString("OutboxToken")) { IsFresh = true };
    }

    private TableEntity ToEntity(StateRecord<TState> record)
    {
        var entity = new TableEntity(record.Key.PartitionKey, record.Key.RowKey)
        {
            ["State"] = record.State is null ? null : JsonSerializer.Serialize(record.State, stateType),
            ["Applied"] = record.Applied.SerializeIds(),
            ["Positions"] = record.Applied.SerializePositions(),
            ["OutboxToken"] = record.Outbox.Count == 0 ? null : record.OutboxToken,
        };
        WriteOutbox(entity, record.Outbox);
        return entity;
    }

    private static void WriteOutbox(TableEntity entity, IReadOnlyList<OutgoingEvent> outbox)
    {
        if (outbox.Count == 0)
        {
            return;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(outbox, StateJsonContext.Default.IReadOnlyListOutgoingEvent);
        if (bytes.Length > OutboxChunk * MaxOutboxChunks)
        {
            throw new InvalidOperationException($"Outbox of {outbox.Count} events ({bytes.Length} bytes) does not fit in one entity; split the batch.");
        }

        foreach (var (i, chunk) in bytes.Chunk(OutboxChunk).Index())
        {
            entity[OutboxProperty(i)] = chunk;
        }
    }

    private static IReadOnlyList<OutgoingEvent> ReadOutbox(TableEntity entity)
    {
        var chunks = Enumerable.Range(0, MaxOutboxChunks).Select(i => entity.GetBinary(OutboxProperty(i))).TakeWhile(c => c is not null).ToArray();
        var bytes = chunks.Length == 1 ? chunks[0]! : chunks.SelectMany(c => c!).ToArray();
        return bytes.Length == 0 ? [] : JsonSerializer.Deserialize(bytes, StateJsonContext.Default.IReadOnlyListOutgoingEvent) ?? [];
    }

    private static string OutboxProperty(int chunk) => chunk == 0 ? "Outbox" : "Outbox" + chunk;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<OutgoingEvent>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
