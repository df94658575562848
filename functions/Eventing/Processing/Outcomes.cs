namespace Store.Eventing.Processing;

/// <summary>What a batch produced: outputs to publish (new and carried-over outbox entries), its outbox unit, and counts.</summary>
public sealed record ProcessResult
{
    public static ProcessResult Empty { get; } = new();
    public IReadOnlyList<OutgoingEvent> Outputs { get; init; } = [];
    /// <summary>The outbox unit the batch committed its outputs under; null when it committed none.</summary>
    public string? OutboxToken { get; init; }
    /// <summary>Clears the rows' outboxes of <see cref="OutboxToken"/> once published; null when there are none.</summary>
    public Func<CancellationToken, Task>? ClearPublished { get; init; }
    public int Applied { get; init; }
    public int Duplicates { get; init; }
    public int Rejected { get; init; }
    public int Ignored { get; init; }
    public int Conflicts { get; init; }
}

/// <summary>Counts of one trigger invocation.</summary>
public sealed record BatchOutcome
{
    public int Received { get; init; }
    public int Processed { get; init; }
    public int Emitted { get; init; }
    public int DeadLettered { get; init; }
    public int Duplicates { get; init; }
    public int Ignored { get; init; }
    public int Conflicts { get; init; }
}
