namespace Store.Eventing.State;

/// <summary>The rows an invocation committed with outboxes under its token, to clear once they are published.</summary>
public interface ICommittedOutbox
{
    /// <summary>The invocation's outbox token.</summary>
    string Token { get; }

    /// <summary>Clears the rows' outboxes and markers (see <see cref="TableStateStore{TState}.ClearOutboxesAsync"/>); returns how many.</summary>
    Task<int> ClearAsync(CancellationToken ct);
}

/// <summary>An <see cref="ICommittedOutbox"/> over one state table.</summary>
public sealed class CommittedOutbox<TState>(TableStateStore<TState> store, string token, IReadOnlyList<StateRecord<TState>> rows) : ICommittedOutbox
{
    /// <inheritdoc />
    public string Token => token;

    /// <summary>The rows.</summary>
    public IReadOnlyList<StateRecord<TState>> Rows => rows;

    /// <inheritdoc />
    public Task<int> ClearAsync(CancellationToken ct) =>
        store.ClearOutboxesAsync(rows.Where(r => r.OutboxToken == token && r.Outbox.Count > 0 && !r.IsDirty), ct);
}
