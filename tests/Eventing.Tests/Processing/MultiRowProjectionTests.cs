namespace Store.Eventing.Tests.Processing;

/// <summary>A projection whose events update two keyed rows: the SKU's own row and a per-day aggregate in another partition.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MultiRowProjectionTests(AzuriteFixture azurite)
{
    private sealed class SkuAndDayTotals : IKeyedProjection<SkuTotal>
    {
        public EntityKey? KeyOf(InboundEvent e) => throw new InvalidOperationException("KeysOf is used.");

        public IEnumerable<EntityKey> KeysOf(InboundEvent e) => e.Event.Data is StockReceived r
            ? [new EntityKey("sku", r.Sku), new EntityKey("day", e.Event.Time.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))]
            : [];

        public SkuTotal Initial(EntityKey key) => new(key.RowKey, 0, 0);

        public SkuTotal Apply(SkuTotal state, InboundEvent e) =>
            state with { Quantity = state.Quantity + e.DataAs<StockReceived>().Quantity, Receipts = state.Receipts + 1 };
    }

    [Fact]
    public async Task EachEvent_UpdatesBothRows_OnceEach_EvenWhenRedelivered()
    {
        var kit = new KitHarness(azurite.NewTable("multirow"));
        var processor = new KeyedBatchProcessor<SkuTotal>(kit.Store, new SkuAndDayTotals(), (e, error) => kit.Handler.DeadLetter(e, "inventory", error), kit.Encoder, kit.Outbox);
        var batch = new[]
        {
            EventBatches.Received(TestCodec.ReceivedBody("m1", "A", 2, kit.Codec), 1),
            EventBatches.Received(TestCodec.ReceivedBody("m2", "B", 3, kit.Codec), 2),
        };

        await kit.Handler.HandleAsync(batch, KitHarness.Trigger(), processor.ProcessAsync, CancellationToken.None);
        var again = await kit.Handler.HandleAsync(batch, KitHarness.Trigger(), processor.ProcessAsync, CancellationToken.None);

        Assert.Equal(4, again.Duplicates);
        Assert.Equal(2, (await kit.Store.FindAsync(new EntityKey("sku", "A"), CancellationToken.None))!.Quantity);
        Assert.Equal(3, (await kit.Store.FindAsync(new EntityKey("sku", "B"), CancellationToken.None))!.Quantity);
        Assert.Equal((5, 2), (await kit.Store.FindAsync(new EntityKey("day", "2026-01-01"), CancellationToken.None)) is { } day ? (day.Quantity, day.Receipts) : default);
    }
}
