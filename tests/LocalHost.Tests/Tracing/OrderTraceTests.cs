namespace Store.LocalHost.Tests.Tracing;

/// <summary>
/// A few orders through every context in process: each order is one trace from the HTTP ingress through every consumer.
/// The recorder keeps only this host's traces, so the test runs beside the others (the system property test ships many orders).
/// </summary>
public sealed class OrderTraceTests
{
    [Fact]
    public async Task ShippedOrder_IsOneTrace_FromSalesIngress_ThroughInventoryPaymentsFulfillmentAndTracking()
    {
        await using var azurite = await FreshAzurite.StartAsync(CancellationToken.None);
        var errors = new StringWriter();
        await using var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(azurite.ConnectionString) { RetryDelayScale = 0.001, Error = TextWriter.Synchronized(errors) }, CancellationToken.None);
        using var traces = new TraceRecorder(host.InstanceId);
        using var anotherHosts = new TraceRecorder("another-host");
        host.StartConsumers();
        var receipt = await host.Http.SendJsonAsync("POST", "/api/stock/receipts", """{"receiptId":"R-1","sku":"SKU-1","quantity":50}""", CancellationToken.None);
        Assert.Equal(HttpStatusCode.Accepted, receipt.StatusCode);
        await host.WaitForQuiescenceAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

        // The second order arrives with a caller's trace context: the ingress span continues it.
        var callerTrace = ActivityTraceId.CreateRandom();
        var caller = $"00-{callerTrace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        var orders = Enumerable.Range(1, 3).Select(i => $"TRACE-{Guid.NewGuid():N}-{i}").ToArray();
        for (var i = 1; i <= 3; i++)
        {
            var json = $$"""{"orderId":"{{orders[i - 1]}}","customerId":"C-{{i}}","lines":[{"sku":"SKU-1","quantity":2,"unitPrice":12.5}],"currency":"EUR"}""";
            var headers = new List<KeyValuePair<string, string>> { new("Content-Type", "application/json") };
            if (i == 2)
            {
                headers.Add(new("traceparent", caller));
            }

            var answer = await host.Http.SendAsync("POST", "/api/orders", System.Text.Encoding.UTF8.GetBytes(json), headers, CancellationToken.None);
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        }

        await host.WaitForQuiescenceAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

        var traceIds = orders.Select(traces.TraceOf).ToList();
        Assert.All(traceIds, Assert.NotNull);
        Assert.True(traceIds.Distinct().Count() == 3, string.Join("\n", traces.Spans.Select(s => $"{s.TraceId} {s.SpanId} {s.ParentSpanId} {s.Name} {s.Context} {s.Subject}")));
        Assert.Equal(callerTrace.ToHexString(), traceIds[1]);

        var spans = traces.Trace(traceIds[0]!);
        var ingress = spans[0];
        Assert.Equal("POST /api/orders", ingress.Name);
        Assert.Equal(ActivityKind.Server, ingress.Kind);
        Assert.Equal("Sales", ingress.Context);
        foreach (var context in new[] { "Inventory", "Payments", "Fulfillment", "Tracking" })
        {
            Assert.True(spans.Any(s => s.Context == context && s.Kind == ActivityKind.Consumer), $"no {context} span; host errors:\n{errors}");
        }

        // Consumers of order-placed are children of the ingress span; the rest hang off it through the same trace context.
        Assert.Contains(spans, s => s.Context == "Inventory" && s.EventType == "sales.order-placed.v2" && s.ParentSpanId == ingress.SpanId);
        Assert.Contains(spans, s => s.Context == "Fulfillment" && s.EventType == "payments.payment-authorized.v1");
        Assert.Contains(spans, s => s.Context == "Tracking" && s.EventType == "fulfillment.shipment-requested.v1");
        Assert.All(spans.Where(s => s.Kind == ActivityKind.Consumer), s => Assert.Equal(orders[0], s.Subject));
        Assert.Contains(traces.MostCompleteTrace("fulfillment.shipment-requested.v1", "Sales", "Inventory", "Payments", "Fulfillment", "Tracking"), traceIds);

        Assert.Empty(anotherHosts.Spans);

        var printed = new StringWriter();
        await TraceRecorder.WriteAsync(spans, printed);
        Assert.Contains("POST /api/orders", printed.ToString(), StringComparison.Ordinal);
        Assert.Contains("Fulfillment", printed.ToString(), StringComparison.Ordinal);
    }
}
