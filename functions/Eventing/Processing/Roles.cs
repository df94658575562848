namespace Store.Eventing.Processing;

/// <summary>What a decider decided on one event for one row: the new state and its outputs, or a rejection.</summary>
public readonly record struct Decision<TState>(TState State, IReadOnlyList<Emit> Outputs, DataError? Rejection = null)
{
    public Decision(TState state)
        : this(state, [])
    {
    }

    /// <summary>The event is valid data but breaks a rule: dead-letter it and keep the state.</summary>
    public static Decision<TState> Reject(TState state, string message) => new(state, [], new DataError(DataErrorKind.RuleViolation, message));
}

/// <summary>The rows of a keyed table an event applies to, and a new row's first state.</summary>
public interface IKeyedRows<TState>
{
    /// <summary>The row an event applies to; null when this consumer has nothing to do with the event.</summary>
    EntityKey? KeyOf(InboundEvent e);

    /// <summary>Every row an event applies to (e.g. an order's row and its day's aggregate), each separately; by default <see cref="KeyOf"/>.</summary>
    IEnumerable<EntityKey> KeysOf(InboundEvent e) => KeyOf(e) is { } key ? [key] : [];

    TState Initial(EntityKey key);
}

/// <summary>A decider owns its rows: a pure function of a row and an event that may emit events or reject the event.</summary>
public interface IKeyedDecider<TState> : IKeyedRows<TState>
{
    Decision<TState> Decide(TState state, InboundEvent e);
}

/// <summary>A projection only builds a view: a pure function of a row and an event; it emits nothing and rejects nothing.</summary>
public interface IKeyedProjection<TState> : IKeyedRows<TState>
{
    TState Apply(TState state, InboundEvent e);
}

/// <summary>A stateless reaction's answer to one event: outputs, not this context's event (ignored), or a rule violation.</summary>
public sealed record Reaction
{
    public static Reaction NotMine { get; } = new();

    public IReadOnlyList<Emit> Outputs { get; private init; } = [];

    public bool IsMine { get; private init; }

    public DataError? Rejection { get; private init; }

    public static Reaction Emits(params Emit[] outputs) => new() { Outputs = outputs, IsMine = true };

    public static Reaction Reject(string message) => new() { IsMine = true, Rejection = new DataError(DataErrorKind.RuleViolation, message) };
}
