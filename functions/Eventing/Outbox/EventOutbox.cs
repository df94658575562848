namespace Store.Eventing.Outbox;

/// <summary>
/// The outbox as its users see it: <see cref="Begin"/> a unit, enroll its outputs in the rows it writes (<see cref="Open{TState}"/>),
/// <see cref="PublishAsync"/> after the commit, then <see cref="ClearAsync"/> (see README.md).
/// </summary>
public sealed partial class EventOutbox(IEventPublisher publisher, OutboxConfirmations confirmations, ILogger<EventOutbox> logger)
{
    /// <summary>Starts a unit of work: its token marks the outboxes it writes until it publishes or abandons them.</summary>
    public string Begin()
    {
        var token = Guid.NewGuid().ToString("N");
        confirmations.Begin(token);
        return token;
    }

    /// <summary>The outbox of one attempt of unit <paramref name="token"/>: enroll outputs in rows, then collect what to publish.</summary>
    public BatchOutbox<TState> Open<TState>(string token) => new(confirmations, token);

    /// <summary>The unit failed before publishing: the outboxes it wrote are published by their next reader or the relay.</summary>
    public void Abandon(string token) => confirmations.Abandon(token);

    /// <summary>Whether the outbox of <paramref name="token"/> is known to be published.</summary>
    public bool IsPublished(string? token) => confirmations.IsConfirmed(token);

    /// <summary>Publishes committed outputs and confirms their units; a failure abandons them and propagates.</summary>
    public async Task PublishAsync(IReadOnlyList<OutgoingEvent> outputs, IReadOnlyCollection<string> tokens, CancellationToken ct)
    {
        try
        {
            await publisher.PublishAsync(outputs, ct).ConfigureAwait(false);
        }
        catch
        {
            foreach (var token in tokens)
            {
                confirmations.Abandon(token);
            }

            throw;
        }

        foreach (var token in tokens)
        {
            confirmations.Confirm(token);
        }
    }

    /// <summary>
    /// Clears published outboxes from their rows so nobody publishes them again. A transient failure is only logged: the
    /// events are out, and the relay clears what is left.
    /// </summary>
    public async Task ClearAsync(Func<CancellationToken, Task> clear, string where, CancellationToken ct)
    {
        try
        {
            await clear(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex) && !ct.IsCancellationRequested)
        {
            LogNotCleared(logger, ex, where);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox of {Where} published but not cleared now; the outbox relay clears it")]
    private static partial void LogNotCleared(ILogger logger, Exception exception, string where);
}
