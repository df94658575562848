using Store.Eventing.Processing;

namespace Store.Fulfillment.State;

/// <summary>The order-join processor over the "fulfillmentorders" table; creates the table on first use.</summary>
public sealed class FulfillmentProcessor(KeyedBatchProcessor<FulfillmentOrder> inner) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    /// <summary>The underlying keyed processor (and its store).</summary>
    public KeyedBatchProcessor<FulfillmentOrder> Inner => inner;

    /// <summary>Applies a batch of decoded events (see <see cref="KeyedBatchProcessor{TState}.ProcessAsync"/>).</summary>
    public async Task<ProcessResult> ProcessAsync(IReadOnlyList<InboundEvent> events, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        return await inner.ProcessAsync(events, ct).ConfigureAwait(false);
    }

    /// <summary>Creates the state table once per process (a failure is retried on the next batch).</summary>
    public async Task EnsureTableAsync(CancellationToken ct)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                await inner.Store.EnsureCreatedAsync(ct).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
