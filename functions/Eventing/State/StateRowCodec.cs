namespace Store.Eventing.State;

/// <summary>
/// How a <see cref="StateRecord{TState}"/> is stored in one table entity: the state as JSON, the applied log (recent ids
/// and positions), the outbox (JSON bytes, spilling over into further binary properties) and its token.
/// </summary>
internal sealed class StateRowCodec<TState>(JsonTypeInfo<TState> stateType, int appliedWindow)
{
    // A binary property holds at most 64 KiB; the outbox spills over into Outbox1..Outbox14 (an entity holds at most 1 MiB).
    private const int OutboxChunk = 60 * 1024;
    private const int MaxOutboxChunks = 15;

    public StateRecord<TState> New(string partitionKey, string rowKey, bool fresh) =>
        new(new EntityKey(partitionKey, rowKey), default, default, new AppliedLog(appliedWindow), [], null) { IsFresh = fresh };

    public StateRecord<TState> FromCache(string partitionKey, string rowKey, CachedRow<TState> cached, ETag etag) =>
        new(new EntityKey(partitionKey, rowKey), cached.State, etag, AppliedLog.Parse(cached.Applied, cached.Positions, appliedWindow), cached.Outbox, cached.OutboxToken);

    public StateRecord<TState> FromEntity(TableEntity entity)
    {
        var stateJson = entity.GetString("State");
        var state = string.IsNullOrEmpty(stateJson) ? default : JsonSerializer.Deserialize(stateJson, stateType);
        var applied = AppliedLog.Parse(entity.GetString("Applied"), entity.GetString("Positions"), appliedWindow);
        return new(new EntityKey(entity.PartitionKey, entity.RowKey), state, entity.ETag, applied, ReadOutbox(entity), entity.GetString("OutboxToken") is { Length: > 0 } token ? token : null) { IsFresh = true };
    }

    public TableEntity ToEntity(StateRecord<TState> record)
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

    /// <summary>
    /// The properties that empty a row's outbox when merged into it: an empty first chunk ends the outbox (later chunks
    /// of a longer one are ignored on read and dropped by the row's next full write) and an empty token means none.
    /// </summary>
    public static TableEntity ClearedOutbox(StateRecord<TState> record) =>
        new(record.Key.PartitionKey, record.Key.RowKey) { [OutboxProperty(0)] = Array.Empty<byte>(), ["OutboxToken"] = "" };

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
        var chunks = Enumerable.Range(0, MaxOutboxChunks).Select(i => entity.GetBinary(OutboxProperty(i))).TakeWhile(c => c is { Length: > 0 }).ToArray();
        var bytes = chunks.Length == 1 ? chunks[0]! : chunks.SelectMany(c => c!).ToArray();
        return bytes.Length == 0 ? [] : JsonSerializer.Deserialize(bytes, StateJsonContext.Default.IReadOnlyListOutgoingEvent) ?? [];
    }

    private static string OutboxProperty(int chunk) => chunk == 0 ? "Outbox" : "Outbox" + chunk;
}

/// <summary>A row as the cache keeps it: parsed state and outbox (immutable), and the applied log as stored (each read gets its own mutable log).</summary>
internal sealed record CachedRow<TState>(TState? State, string? Applied, string? Positions, IReadOnlyList<OutgoingEvent> Outbox, string? OutboxToken)
{
    public static CachedRow<TState> Of(TableEntity entity, StateRecord<TState> record) =>
        new(record.State, entity.GetString("Applied"), entity.GetString("Positions"), record.Outbox, record.OutboxToken);

    /// <summary>The row as the record holds it (after a merge, whose entity carries only the changed properties).</summary>
    public static CachedRow<TState> Of(StateRecord<TState> record) =>
        new(record.State, record.Applied.SerializeIds(), record.Applied.SerializePositions(), record.Outbox, record.OutboxToken);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<OutgoingEvent>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
