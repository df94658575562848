namespace Store.Eventing.State;

/// <summary>The row key of a state entity inside its table partition.</summary>
public readonly record struct EntityKey(string PartitionKey, string RowKey);

/// <summary>
/// One state entity as loaded: the context's state plus what is written in the same transaction: the applied log and
/// the outbox of outputs committed with this state but not yet known to be published.
/// </summary>
public sealed class StateRecord<TState>(EntityKey key, TState? state, ETag etag, AppliedLog applied, IReadOnlyList<OutgoingEvent> outbox, string? outboxToken)
{
    private readonly HashSet<string> _newlyApplied = new(StringComparer.Ordinal);

    public EntityKey Key { get; } = key;

    /// <summary>The stored state; null when the entity does not exist yet.</summary>
    public TState? State
    {
        get;
        set
        {
            field = value;
            OutboxClearedOnly = false;
        }
    } = state;

    /// <summary>True when the entity exists in the table (an update must match <see cref="ETag"/>).</summary>
    public bool Exists => ETag != default;

    /// <summary>Writes are conditional on it (optimistic concurrency, never last-write-wins).</summary>
    public ETag ETag { get; internal set; } = etag;

    public AppliedLog Applied { get; } = applied;

    public IReadOnlyList<OutgoingEvent> Outbox { get; set; } = outbox;

    /// <summary>The invocation that wrote <see cref="Outbox"/>.</summary>
    public string? OutboxToken { get; set; } = outboxToken;

    /// <summary>True when the row as stored holds an outbox, hence a marker.</summary>
    internal bool StoredOutbox { get; set; } = outbox.Count > 0;

    /// <summary>
    /// True when the only change since the last commit is a cleared outbox: the commit merges just the outbox properties
    /// (ETag-conditioned). Any other change resets it, so a merge can never drop one.
    /// </summary>
    internal bool OutboxClearedOnly { get; set; }

    /// <summary>
    /// True when read from the table by the call that returned it; false when cached or assumed new: such a record is
    /// validated only by its conditional write, so a decision that looks at a record without writing it needs a fresh one.
    /// </summary>
    public bool IsFresh { get; internal set; }

    /// <summary>True when the state or outbox changed since it was read.</summary>
    public bool IsDirty
    {
        get;
        set
        {
            field = value;
            OutboxClearedOnly = false;
        }
    }

    /// <summary>Ids of the events applied since the record was read or last committed: each gets a mark in the commit.</summary>
    internal IReadOnlyCollection<string> NewlyApplied => _newlyApplied;

    /// <summary>
    /// True when the row's applied log shows the event applied (see <see cref="AppliedLog"/>), or it was applied since
    /// the read. False for a copy older than the log's window: the mark the commit writes for it catches that.
    /// </summary>
    public bool HasApplied(InboundEvent e) => _newlyApplied.Contains(e.Event.Id) || Applied.Contains(e.Event.Id, e.Position);

    /// <summary>
    /// Records the event as applied, in the row and by a mark (<see cref="AppliedMarks"/>) committed with it; call only
    /// together with a state change that will be committed.
    /// </summary>
    public void MarkApplied(InboundEvent e)
    {
        Applied.Add(e.Event.Id, e.Position);
        _newlyApplied.Add(e.Event.Id);
        IsDirty = true;
    }

    /// <summary>After the commit: the marks are written.</summary>
    internal void MarksCommitted() => _newlyApplied.Clear();
}
