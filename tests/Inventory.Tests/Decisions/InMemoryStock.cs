using Store.Inventory.Decisions;
using Store.Inventory.State;

namespace Store.Inventory.Tests.Decisions;

/// <summary>An in-memory stock partition that applies decisions the way the processor does (for pure and property tests).</summary>
internal sealed class InMemoryStock : IStockView
{
    public Dictionary<string, SkuStock> Skus { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, OrderReservation> Orders { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ReceiptRecord> Receipts { get; } = new(StringComparer.Ordinal);

    public SkuStock? Sku(string sku) => Skus.GetValueOrDefault(sku);

    public OrderReservation? Order(string orderId) => Orders.GetValueOrDefault(orderId);

    public ReceiptRecord? Receipt(string receiptId) => Receipts.GetValueOrDefault(receiptId);

    /// <summary>Decides and, unless it is a rule violation, applies the decision.</summary>
    public InventoryDecision Apply(object data)
    {
        var decision = InventoryDecisions.Decide(this, data) ?? throw new ArgumentException($"Not an Inventory input: {data.GetType().Name}");
        if (decision.Violation is not null)
        {
            return decision;
        }

        foreach (var sku in decision.Skus)
        {
            Skus[sku.Sku] = sku;
        }

        if (decision.Order is { } order)
        {
            Orders[order.OrderId] = order;
        }

        if (decision.Receipt is { } receipt)
        {
            Receipts[receipt.ReceiptId] = receipt;
        }

        return decision;
    }

    public InMemoryStock With(params object[] events)
    {
        foreach (var e in events)
        {
            Apply(e);
        }

        return this;
    }
}
