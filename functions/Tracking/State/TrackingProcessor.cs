using Store.Eventing.Processing;

namespace Store.Tracking.State;

/// <summary>The order-view processor and query over the "trackingorders" table; creates the table on first use.</summary>
public sealed class TrackingProcessor(KeyedBatchProcessor<TrackedOrder> inner)
{
    /// <summary>The underlying keyed processor (and its store).</summary>
    public KeyedBatchProcessor<TrackedOrder> Inner => inner;

    /// <summary>Applies a batch of decoded events (see <see cref="KeyedBatchProcessor{TState}.ProcessAsync"/>).</summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        return await inner.ProcessAsync(events, ct).ConfigureAwait(false);
    }

    /// <summary>The view of an order; null when no event of it has been applied.</summary>
    public async Task<OrderStatusView?> FindAsync(string orderId, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var key = OrderKeys.For(orderId);
        var record = await inner.Store.GetAsync(key.PartitionKey, key.RowKey, ct).ConfigureAwait(false);
        return record?.State is { Facts.Count: > 0 } state ? state.View : null;
    }

    /// <summary>Creates the state table once per process (the store remembers; a failure is retried on the next call).</summary>
    public Task EnsureTableAsync(CancellationToken ct) => inner.Store.EnsureCreatedAsync(ct);
}
