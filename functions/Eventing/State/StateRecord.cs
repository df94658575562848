namespace Store.Eventing.State;

/// <summary>The row key of a state entity inside its table partition.</summary>
public readonly record struct EntityKey(string PartitionKey, string RowKey);

/// <summary>
/// One state entity as loaded for a batch: the context's state plus the bookkeeping written in the same
/// entity-group transaction: applied event ids (recent window), last applied sequence number per source
/// partition, and the outbox of outputs committed with this state but not yet known to be published.
/// </summary>
public sealed class StateRecord<TState>
{
    internal StateRecord(EntityKey key, TState? state, ETag etag, AppliedLog applied, IReadOnlyList<OutgoingEvent> outbox, string? outboxToken)
    {
        Key = key;
        State = state;
        ETag = etag;
        Applied = applied;
        Outbox = outbox;
        OutboxToken = outboxToken;
        StoredOutbox = outbox.Count > 0;
    }

    public EntityKey Key { get; }

    /// <summary>The stored state; null when the entity does not exist yet.</summary>
    public TState? State { get; set; }

    /// <summary>True when the entity exists in the table (an update must match <see cref="ETag"/>).</summary>
    public bool Exists => ETag != default;

    /// <summary>ETag read with the entity; writes are conditional on it (optimistic concurrency, never last-write-wins).</summary>
    public ETag ETag { get; internal set; }

    public AppliedLog Applied { get; }

    /// <summary>Outputs committed with the state, to be published (again) until known to be published.</summary>
    public IReadOnlyList<OutgoingEvent> Outbox { get; set; }

    /// <summary>The invocation that wrote <see cref="Outbox"/>.</summary>
    public string? OutboxToken { get; set; }

    /// <summary>True when the row as stored (read or last committed) holds an outbox, hence a pending marker.</summary>
    internal bool StoredOutbox { get; set; }

    /// <summary>
    /// True when the record was read from the table by the call that returned it; false when it came from the store's
    /// row cache or was assumed new. Such values are only validated by a conditional write of the record, so a decision
    /// that looks at a record without writing it must use a fresh one.
    /// </summary>
    public bool IsFresh { get; internal set; }

    /// <summary>True when the state or outbox changed since it was read.</summary>
    public bool IsDirty { get; set; }

    /// <summary>True when the event has been applied to this entity before (same id, or at/below the source partition's applied sequence number).</summary>
    public bool HasApplied(InboundEvent e) => Applied.Contains(e.Event.Id, e.Position);

    /// <summary>Records the event as applied; call only together with a state change that will be committed.</summary>
    public void MarkApplied(InboundEvent e)
    {
        Applied.Add(e.Event.Id, e.Position);
        IsDirty = true;
    }
}
