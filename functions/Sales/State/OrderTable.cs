using Store.Eventing.State;

namespace Store.Sales.State;

/// <summary>The orders table (setting <c>Sales:OrdersTable</c>, default <c>salesorders</c>), created on first use.</summary>
public sealed class OrderTable(TableStateStore<OrderState> store)
{
    /// <summary>Default table name.</summary>
    public const string DefaultName = "salesorders";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _created;

    /// <summary>The idempotent state store over the table.</summary>
    public TableStateStore<OrderState> Store => store;

    /// <summary>Creates the table once per process; a failure is retried on the next call.</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        if (_created)
        {
            return;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_created)
            {
                await store.EnsureCreatedAsync(ct).ConfigureAwait(false);
                _created = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
