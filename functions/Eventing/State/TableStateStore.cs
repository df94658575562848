namespace Store.Eventing.State;

/// <summary>
/// Idempotent Azure Tables state: coalesced reads, ETag-conditioned entity-group transactions, the bookkeeping of
/// <see cref="StateRecord{TState}"/> in the state's entity, and with <paramref name="cacheCapacity"/> &gt; 0 an
/// ETag-validated row cache (<typeparamref name="TState"/> must then be immutable). See README.md.
/// </summary>
public sealed partial class TableStateStore<TState>(TableClient table, JsonTypeInfo<TState> stateType, int appliedWindow = AppliedLog.DefaultWindow, int cacheCapacity = 0, TimeSpan? indexRefresh = null)
{
    public const int MaxTransactionSize = 100;

    /// <summary>Point reads in flight per read call; point reads, not OR filters, which scan the partition (tests/Benchmarks README, "reads").</summary>
    public const int MaxParallelReads = 16;

    private const int MaxParallelTransactions = 4;

    private readonly StateRowCache<CachedRow<TState>>? _cache = cacheCapacity > 0 ? new StateRowCache<CachedRow<TState>>(cacheCapacity) : null;
    private readonly StateRowCodec<TState> _codec = new(stateType, appliedWindow);
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
                result[key] = _codec.FromCache(partitionKey, key, cached, etag);
            }
            else if (_cache is not null && assumeNewWhenUncached?.Invoke(key) == true)
            {
                result[key] = _codec.New(partitionKey, key, fresh: false);
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
                var record = await PointReadAsync(partitionKey, key, cache: true, c).ConfigureAwait(false) ?? _codec.New(partitionKey, key, fresh: true);
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

        var record = _codec.FromEntity(response.Value!);
        if (cache)
        {
            _cache?.Set(partitionKey, rowKey, CachedRow<TState>.Of(response.Value!, record), record.ETag);
        }

        return record;
    }

    /// <summary>Reads every state row of a partition (for queries and exports).</summary>
    public async Task<List<StateRecord<TState>>> ReadPartitionAsync(string partitionKey, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var rows = new List<StateRecord<TState>>();
        // Marks (one per applied event) can outnumber the states by far: the service leaves them out.
        await foreach (var entity in table.QueryAsync<TableEntity>(AppliedMarks.OutsideMarks(partitionKey), cancellationToken: ct).ConfigureAwait(false))
        {
            if (!OutboxMarkers.IsMarker(entity.RowKey))
            {
                rows.Add(_codec.FromEntity(entity));
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
}
