using Store.Eventing.Processing;

namespace Store.Fulfillment.State;

/// <summary>The order-join processor over the "fulfillmentorders" table; creates the table on first use.</summary>
public sealed class FulfillmentProcessor(KeyedBatchProcessor<FulfillmentOrder> inner)
{
    /// <summary>The underlying keyed processor (and its store).</summary>
    public KeyedBatchProcessor<FulfillmentOrder> Inner => inner;

    /// <summary>Applies a batch of decoded events (see <see cref="KeyedBatchProcessor{TState}.ProcessAsync"/>).</summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        return await inner.ProcessAsync(events, ct).ConfigureAwait(false);
    }

    /// <summary>Creates the state table once per process (the store remembers; a failure is retried on the next call).</summary>
    public Task EnsureTableAsync(CancellationToken ct) => inner.Store.EnsureCreatedAsync(ct);
}
