namespace Store.Eventing.Tests.Processing;

/// <summary>A minimal keyed decider: totals stock received per SKU and emits one output per receipt; negative rule via a magic SKU.</summary>
public sealed class SkuTotalsDecider(string partitionKey = "p") : IKeyedDecider<SkuTotal>
{
    public int Applies;

    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data is StockReceived r ? new EntityKey(partitionKey, r.Sku) : null;

    public SkuTotal Initial(EntityKey key) => new(key.RowKey, 0, 0);

    public Decision<SkuTotal> Decide(SkuTotal state, InboundEvent e)
    {
        Interlocked.Increment(ref Applies);
        var r = e.DataAs<StockReceived>();
        if (r.Sku == "FORBIDDEN")
        {
            return Decision<SkuTotal>.Reject(state, "SKU FORBIDDEN cannot be stocked.");
        }

        var echo = new Emit(new StockReserved("o-" + r.ReceiptId, "c", [new ReservedLine(r.Sku, r.Quantity)]), "echo");
        return new Decision<SkuTotal>(state with { Quantity = state.Quantity + r.Quantity, Receipts = state.Receipts + 1 }, [echo]);
    }
}
