using Store.Eventing.Catalog;

namespace Store.Payments.Tests.Functions;

/// <summary>Every event Payments emits validates against its checked-in schema.</summary>
public sealed class PaymentsContractTests : IDisposable
{
    private readonly TestApp _host = PaymentsTestApp.Create();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Payment_authorized_and_payment_declined_validate_against_their_schemas()
    {
        await _host.DeliverOrdersAsync(
        [
            EventBatches.Received(_host.OrderPlaced("o-zero", 0m), 1, "o-zero"),
            EventBatches.Received(_host.OrderPlaced("o-limit", 5000m), 2, "o-limit"),
            EventBatches.Received(_host.OrderPlaced("o-over", 5000.01m), 3, "o-over"),
            EventBatches.Received(_host.OrderPlaced("o-both", 79228162514264337593543950m, "XAF"), 4, "o-both"),
        ]);

        Assert.Equal(4, _host.PaymentEvents().Count);
        Assert.Equal(2, _host.PaymentEvents().Count(e => e.Type == CloudEventTypeAttribute.Of<PaymentDeclined>()));
        Assert.All(_host.PaymentEvents(), e =>
        {
            var result = _host.Codec.Decode(e.Body);
            Assert.True(result.IsEvent, $"{e.Type}: {result.Error?.Message}");
            Assert.Equal(e.Type, result.Event!.Type);
        });
    }

    [Fact]
    public void Payments_reads_sales_orders_in_its_own_group_and_sends_only_to_its_own_hub()
    {
        Assert.Contains(("sales-orders", "payments"), EventCatalog.Current.HubsConsumedBy("Payments"));
        Assert.Contains("payments", EventCatalog.Current.HubsSentBy("Payments"));
        var owned = EventCatalog.Current.Streams.Where(s => s.Domain.Owner == "Payments").SelectMany(s => s.Stream.Events);
        Assert.All(owned, type => Assert.True(_host.Codec.Registry.TryGet(type, out _), type));
    }
}
