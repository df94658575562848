using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Data.Tables;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;

namespace Store.Eventing.State;

/// <summary>
/// Idempotent Azure Tables state: coalesced reads (each key once per batch), writes in entity-group
/// transactions of at most 100 per partition key with ETag conditions, and the bookkeeping of
/// <see cref="StateRecord{TState}"/> stored in the same entity as the state.
/// </summary>
public sealed class TableStateStore<TState>(TableClient table, JsonTypeInfo<TState> stateType, int appliedWindow = 256)
{
    /// <summary>Entity-group transactions hold at most 100 operations.</summary>
    public const int MaxTransactionSize = 100;

    // OData filters are kept short: this many row keys per query.
    private const int KeysPerQuery = 40;

    // A binary property holds at most 64 KiB; the outbox spills over into Outbox1..Outbox14 (an entity holds at most 1 MiB).
    private const int OutboxChunk = 60 * 1024;
    private const int MaxOutboxChunks = 15;

    private int _roundTrips;

    /// <summary>The table.</summary>
    public TableClient Table => table;

    /// <summary>Table requests made by this store so far (reads and transactions), for metrics and benchmarks.</summary>
    public int RoundTrips => Volatile.Read(ref _roundTrips);

    /// <summary>Creates the table if it does not exist.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        await table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads the given rows of one partition, once each; rows that do not exist come back as new records.</summary>
    public async Task<Dictionary<string, StateRecord<TState>>> ReadAsync(string partitionKey, IReadOnlyCollection<string> rowKeys, CancellationToken ct)
    {
        var result = new Dictionary<string, StateRecord<TState>>(rowKeys.Count, StringComparer.Ordinal);
        foreach (var chunk in rowKeys.Distinct(StringComparer.Ordinal).Chunk(KeysPerQuery))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}") + " and (" +
                string.Join(" or ", chunk.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}"))) + ")";
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct).AsPages().ConfigureAwait(false))
            {
                Interlocked.Increment(ref _roundTrips);
                foreach (var entity in page.Values)
                {
                    result[entity.RowKey] = FromEntity(entity);
                }
            }
        }

        foreach (var key in rowKeys)
        {
            if (!result.ContainsKey(key))
            {
                result[key] = new StateRecord<TState>(new EntityKey(partitionKey, key), default, default, new AppliedLog(appliedWindow), [], null);
            }
        }

        return result;
    }

    /// <summary>Reads every row of a partition (for queries and exports).</summary>
    public async Task<List<StateRecord<TState>>> ReadPartitionAsync(string partitionKey, CancellationToken ct)
    {
        var rows = new List<StateRecord<TState>>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), cancellationToken: ct).ConfigureAwait(false))
        {
            rows.Add(FromEntity(entity));
        }

        return rows;
    }

    /// <summary>Reads one row; null when missing.</summary>
    public async Task<StateRecord<TState>?> GetAsync(string partitionKey, string rowKey, CancellationToken ct)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
        Interlocked.Increment(ref _roundTrips);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>
    /// Writes the dirty records of one partition in transactions of at most 100, each conditional on the ETag read
    /// (insert when new). Throws <see cref="ConcurrencyConflictException"/> when another writer got there first: the
    /// caller re-reads and re-applies. Records of one logical change must be in the same call and fit in one transaction.
    /// </summary>
    public async Task CommitAsync(string partitionKey, IReadOnlyList<StateRecord<TState>> records, CancellationToken ct)
    {
        var dirty = records.Where(r => r.IsDirty).ToList();
        foreach (var chunk in dirty.Chunk(MaxTransactionSize))
        {
            var actions = new List<TableTransactionAction>(chunk.Length);
            foreach (var record in chunk)
            {
                if (record.Key.PartitionKey != partitionKey)
                {
                    throw new ArgumentException($"Record {record.Key} is not in partition '{partitionKey}'.", nameof(records));
                }

                var entity = ToEntity(record);
                actions.Add(record.Exists
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, record.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, entity));
            }

            Response<IReadOnlyList<Response>> response;
            try
            {
                Interlocked.Increment(ref _roundTrips);
                response = await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                throw new ConcurrencyConflictException($"Optimistic concurrency conflict in table '{table.Name}', partition '{partitionKey}'.", ex);
            }

            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i].ETag = response.Value[i].Headers.ETag ?? throw new InvalidOperationException("Table transaction response has no ETag.");
                chunk[i].IsDirty = false;
            }
        }
    }

    private StateRecord<TState> FromEntity(TableEntity entity)
    {
        var stateJson = entity.GetString("State");
        var state = string.IsNullOrEmpty(stateJson) ? default : JsonSerializer.Deserialize(stateJson, stateType);
        var applied = AppliedLog.Parse(entity.GetString("Applied"), entity.GetString("Positions"), appliedWindow);
        var outbox = ReadOutbox(entity);
        return new StateRecord<TState>(new EntityKey(entity.PartitionKey, entity.RowKey), state, entity.ETag, applied, outbox, entity.GetString("OutboxToken"));
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

        var bytes = JsonSerializer.SerializeToUtf8Bytes(outbox.Select(StoredOutput.From).ToArray(), StateJsonContext.Default.StoredOutputArray);
        var chunks = (bytes.Length + OutboxChunk - 1) / OutboxChunk;
        if (chunks > MaxOutboxChunks)
        {
            throw new InvalidOperationException($"Outbox of {outbox.Count} events ({bytes.Length} bytes) does not fit in one entity; split the batch.");
        }

        for (var i = 0; i < chunks; i++)
        {
            var start = i * OutboxChunk;
            entity[i == 0 ? "Outbox" : "Outbox" + i] = bytes.AsSpan(start, Math.Min(OutboxChunk, bytes.Length - start)).ToArray();
        }
    }

    private static IReadOnlyList<OutgoingEvent> ReadOutbox(TableEntity entity)
    {
        var first = entity.GetBinary("Outbox");
        if (first is null)
        {
            return [];
        }

        using var buffer = new MemoryStream(first.Length);
        buffer.Write(first);
        for (var i = 1; i < MaxOutboxChunks && entity.GetBinary("Outbox" + i) is { } next; i++)
        {
            buffer.Write(next);
        }

        var stored = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), StateJsonContext.Default.StoredOutputArray) ?? [];
        return stored.Select(s => s.ToOutgoing()).ToArray();
    }
}

/// <summary>An outbox entry as stored in a state entity.</summary>
internal sealed record StoredOutput(string Hub, string PartitionKey, string Id, string Type, byte[] Body, string? TraceParent)
{
    public static StoredOutput From(OutgoingEvent e) => new(e.Hub, e.PartitionKey, e.Id, e.Type, e.Body, e.TraceParent);

    public OutgoingEvent ToOutgoing() => new(Hub, PartitionKey, Id, Type, Body, TraceParent);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoredOutput[]))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(string))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
