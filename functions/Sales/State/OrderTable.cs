using Store.Eventing.State;

namespace Store.Sales.State;

/// <summary>The orders table (setting <c>Sales:OrdersTable</c>, default <c>salesorders</c>), created on first use.</summary>
public sealed class OrderTable(TableStateStore<OrderState> store)
{
    /// <summary>Default table name.</summary>
    public const string DefaultName = "salesorders";

    /// <summary>The idempotent state store over the table.</summary>
    public TableStateStore<OrderState> Store => store;

    /// <summary>Creates the table once per process (the store remembers; a failure is retried on the next call).</summary>
    public Task EnsureCreatedAsync(CancellationToken ct) => store.EnsureCreatedAsync(ct);
}
