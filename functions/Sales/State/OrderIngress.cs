using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Store.Eventing.Processing;
using Store.Eventing.Publishing;
using Store.Eventing.State;

namespace Store.Sales.State;

/// <summary>What a command decided: the answer for the caller, and the new state with its event when something changed.</summary>
public readonly record struct IngressDecision<TAnswer>(TAnswer Answer, OrderState? NewState = null, OutgoingEvent? Output = null);

/// <summary>
/// Runs an HTTP command against one order row: read, decide (pure), commit the new state with the output in the
/// entity's outbox (ETag-conditioned; re-read and re-decide on conflict), publish the outbox, then confirm it.
/// If publishing fails the output stays in the outbox and the failure propagates (the function answers 503);
/// the next command on the order (e.g. the client's retry), the shipment trigger or, without either, the outbox relay
/// publishes it under the same id.
/// </summary>
public sealed partial class OrderIngress(
    OrderTable table,
    IEventPublisher publisher,
    OutboxConfirmations confirmations,
    EventingMetrics metrics,
    ILogger<OrderIngress> logger)
{
    private const int MaxConflictRetries = 8;

    /// <summary>Executes <paramref name="decide"/> on the order's current state (null when the row does not exist).</summary>
    public async Task<TAnswer> ExecuteAsync<TAnswer>(string orderId, Func<OrderState?, IngressDecision<TAnswer>> decide, CancellationToken ct)
    {
        await table.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var key = OrderKeys.For(orderId);
        for (var attempt = 0; ; attempt++)
        {
            var record = (await table.Store.ReadAsync(key.PartitionKey, [key.RowKey], ct).ConfigureAwait(false))[key.RowKey];
            var decision = decide(record.State);

            // Outputs committed earlier but not known to be published (a failed publish, or a crash) go out first.
            IReadOnlyList<OutgoingEvent> pending = confirmations.IsConfirmed(record.OutboxToken) ? [] : record.Outbox;
            if (decision.Output is { } output)
            {
                record.State = decision.NewState ?? throw new InvalidOperationException("A decision with an output must carry the new state.");
                record.Outbox = [.. pending, output];
                record.OutboxToken = Guid.NewGuid().ToString("N");
                record.IsDirty = true;
                try
                {
                    await table.Store.CommitAsync(key.PartitionKey, [record], ct).ConfigureAwait(false);
                }
                catch (ConcurrencyConflictException) when (attempt < MaxConflictRetries)
                {
                    // The shipment trigger or a concurrent request changed the order: decide again on the fresh state.
                    LogConflict(logger, orderId, attempt + 1);
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * (attempt + 1))), ct).ConfigureAwait(false);
                    continue;
                }

                pending = record.Outbox;
            }

            if (pending.Count > 0)
            {
                await publisher.PublishAsync(pending, ct).ConfigureAwait(false);
                confirmations.Confirm(record.OutboxToken!);
                metrics.Emitted.Add(pending.Count, new TagList { { "context", "Sales" }, { "hub", pending[0].Hub } });
                await ClearOutboxAsync(record, ct).ConfigureAwait(false);
            }

            return decision.Answer;
        }
    }

    private async Task ClearOutboxAsync(StateRecord<OrderState> record, CancellationToken ct)
    {
        try
        {
            await table.Store.ClearOutboxesAsync([record], ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            // The events are published and confirmed in this process; the outbox and its marker stay until the relay
            // clears them (it sees the token confirmed here and does not publish again).
            LogOutboxNotCleared(logger, ex, record.Key.PartitionKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox of order {OrderId} published but not cleared; the outbox relay clears it")]
    private static partial void LogOutboxNotCleared(ILogger logger, Exception exception, string orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} changed concurrently; deciding again (attempt {Attempt})")]
    private static partial void LogConflict(ILogger logger, string orderId, int attempt);
}
