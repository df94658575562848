using Store.Eventing.Processing;
using Store.Eventing.State;

namespace Store.Loyalty.State;

/// <summary>Loyalty's stateful processing: the kit's keyed processor over the customer table, which it creates on first use.</summary>
public sealed class LoyaltyProcessor(KeyedBatchProcessor<CustomerLoyalty> processor)
{
    /// <summary>The customer table.</summary>
    public TableStateStore<CustomerLoyalty> Store => processor.Store;

    /// <summary>Applies a batch of decoded events (both hubs feed the same customer entities).</summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        await processor.Store.EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await processor.ProcessAsync(events, ct).ConfigureAwait(false);
    }

    /// <summary>Reads one customer; null when Loyalty has never seen the customer.</summary>
    public async Task<CustomerLoyalty?> FindAsync(string customerId, CancellationToken ct)
    {
        await processor.Store.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var key = CustomerKeys.For(customerId);
        var record = await processor.Store.GetAsync(key.PartitionKey, key.RowKey, ct).ConfigureAwait(false);
        return record?.State;
    }

}
