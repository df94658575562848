using System.Text;
using Store.Eventing.DeadLetters;

namespace Store.Payments.Tests.Functions;

public sealed class OnSalesOrdersFunctionTests : IDisposable
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private readonly TestApp _host = PaymentsTestApp.Create();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Order_within_limit_emits_payment_authorized_keyed_by_order_with_derived_id_input_time_and_trace()
    {
        var outcome = await _host.DeliverOrdersAsync([EventBatches.Received(_host.OrderPlaced("o-1", 120.5m, traceParent: TraceParent), 1, "o-1")]);

        Assert.Equal((1, 1, 1, 0), (outcome.Received, outcome.Processed, outcome.Emitted, outcome.DeadLettered));
        var e = Assert.Single(_host.PaymentEvents());
        Assert.Equal(("payments", "o-1", CloudEventTypeAttribute.Of<PaymentAuthorized>(), EventIds.Derive("placed-o-1", "payment-authorized"), TraceParent),
            (e.Hub, e.PartitionKey, e.Type, e.Id, e.TraceParent));
        var decoded = _host.Codec.Decode(e.Body).Event!;
        Assert.Equal((PaymentsTestApp.T0, "/store/payments", "o-1", TraceParent), (decoded.Time, decoded.Source, decoded.Subject, decoded.TraceParent));
        Assert.Equal(new PaymentAuthorized("o-1", "cust-1", 120.5m, "EUR"), decoded.Data);
    }

    [Fact]
    public async Task Order_above_limit_or_in_an_unsupported_currency_emits_payment_declined_with_the_reason()
    {
        await _host.DeliverOrdersAsync(
        [
            EventBatches.Received(_host.OrderPlaced("o-big", 5000.01m), 1, "o-big"),
            EventBatches.Received(_host.OrderPlaced("o-jpy", 10m, "JPY"), 2, "o-jpy"),
        ]);

        var declined = _host.PaymentEvents().Select(e => (PaymentDeclined)_host.Codec.Decode(e.Body).Event!.Data).ToArray();
        Assert.Equal(2, declined.Length);
        Assert.All(_host.PaymentEvents(), e => Assert.Equal(CloudEventTypeAttribute.Of<PaymentDeclined>(), e.Type));
        Assert.Equal(("o-big", 5000.01m, "total 5000.01 EUR exceeds the authorization limit of 5000"), (declined[0].OrderId, declined[0].Amount, declined[0].Reason));
        Assert.Equal(("o-jpy", "currency JPY is not supported"), (declined[1].OrderId, declined[1].Reason));
        Assert.Equal(EventIds.Derive("placed-o-big", "payment-declined"), _host.PaymentEvents()[0].Id);
    }

    [Fact]
    public async Task Total_exactly_at_the_configured_limit_is_authorised()
    {
        using var host = PaymentsTestApp.Create(new Dictionary<string, string?> { ["Payments:AuthorizationLimit"] = "250" });

        await host.DeliverOrdersAsync(
        [
            EventBatches.Received(host.OrderPlaced("at", 250m), 1, "at"),
            EventBatches.Received(host.OrderPlaced("above", 250.01m), 2, "above"),
        ]);

        Assert.Equal([CloudEventTypeAttribute.Of<PaymentAuthorized>(), CloudEventTypeAttribute.Of<PaymentDeclined>()], host.PaymentEvents().Select(e => e.Type));
    }

    [Fact]
    public async Task Order_cancelled_is_skipped_without_output_or_dead_letter()
    {
        var cancelled = Encoding.UTF8.GetBytes("""
            {"specversion":"1.0","id":"c-1","source":"/store/sales","type":"sales.order-cancelled.v1","subject":"o-1",
             "time":"2026-03-01T09:30:00Z","datacontenttype":"application/json","data":{"orderId":"o-1","customerId":"cust-1"}}
            """);

        var outcome = await _host.DeliverOrdersAsync([EventBatches.Received(cancelled, 1, "o-1")]);

        Assert.Equal((1, 0, 0, 0, 1), (outcome.Received, outcome.Processed, outcome.Emitted, outcome.DeadLettered, outcome.Ignored));
        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task Redelivery_of_the_same_batch_produces_byte_identical_outputs()
    {
        var batch = new[]
        {
            EventBatches.Received(_host.OrderPlaced("o-1", 10m), 1, "o-1"),
            EventBatches.Received(_host.OrderPlaced("o-2", 9999m), 2, "o-2"),
        };

        await _host.DeliverOrdersAsync(batch);
        var first = _host.PaymentEvents().ToArray();
        _host.Publisher.Clear();
        await _host.DeliverOrdersAsync(batch);

        Assert.Equal(first.Select(e => (e.Id, Convert.ToBase64String(e.Body))), _host.PaymentEvents().Select(e => (e.Id, Convert.ToBase64String(e.Body))));
    }

    [Fact]
    public async Task Malformed_schema_invalid_and_unknown_type_events_are_dead_lettered_and_the_rest_of_the_batch_is_processed()
    {
        var schemaInvalid = Encoding.UTF8.GetBytes("""
            {"specversion":"1.0","id":"bad","source":"/store/sales","type":"sales.order-placed.v1","subject":"o-x",
             "time":"2026-03-01T09:30:00Z","data":{"orderId":"o-x","customerId":"c","lines":[],"total":-1,"currency":"euro"}}
            """);
        var unknownType = Encoding.UTF8.GetBytes("""
            {"specversion":"1.0","id":"u","source":"/store/sales","type":"sales.order-placed.v9","subject":"o-y","data":{}}
            """);

        var outcome = await _host.DeliverOrdersAsync(
        [
            EventBatches.Received(_host.OrderPlaced("o-1", 10m), 1, "o-1"),
            EventBatches.ReceivedText("not json at all", 2),
            EventBatches.Received(schemaInvalid, 3, "o-x"),
            EventBatches.Received(unknownType, 4, "o-y"),
            EventBatches.Received(_host.OrderPlaced("o-2", 20m), 5, "o-2"),
        ]);

        Assert.Equal((5, 2, 2, 3), (outcome.Received, outcome.Processed, outcome.Emitted, outcome.DeadLettered));
        Assert.Equal(["o-1", "o-2"], _host.PaymentEvents().Select(e => e.PartitionKey));
        var deadLetterCodec = new CloudEventCodec(new EventTypeRegistry().Add(DeadLetterWriter.EventType, DeadLetterJsonContext.Default.EventDeadLettered));
        var deadLetters = _host.DeadLetters.Select(d => (EventDeadLettered)deadLetterCodec.Decode(d.Body).Event!.Data).OrderBy(d => d.SequenceNumber).ToArray();
        Assert.Equal(["malformed-json", "schema-violation", "unknown-type"], deadLetters.Select(d => d.Error.Kind));
        Assert.All(deadLetters, d => Assert.Equal(("Payments", "payments", "sales-orders", "0"), (d.Consumer, d.ConsumerGroup, d.SourceHub, d.PartitionId)));
        Assert.Equal("not json at all", deadLetters[0].Body);
    }
}
