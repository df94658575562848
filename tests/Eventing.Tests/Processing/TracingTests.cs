namespace Store.Eventing.Tests.Processing;

[Collection(AzuriteCollection.Name)]
public sealed class TracingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task EachProcessedEvent_GetsAConsumerSpan_InTheTraceItCarries()
    {
        var kit = await KitHarness.CreateAsync(azurite, "trace");
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EventingMetrics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var body = kit.Codec.Encode(new CloudEventHeader("t1", TestCodec.Received, "/tests", "A", DateTimeOffset.UnixEpoch, traceParent), new StockReceived("r", "A", 1));

        await kit.Deliver([EventBatches.Received(body, 1), EventBatches.Received(TestCodec.ReceivedBody("no-trace", "B", 1, kit.Codec), 2)]);

        List<Activity> eventSpans;
        lock (spans)
        {
            eventSpans = spans.Where(s => s.DisplayName == "Inventory process inventory.stock-received.v1").ToList();
        }

        var span = Assert.Single(eventSpans);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", span.TraceId.ToString());
        Assert.Equal("00f067aa0ba902b7", span.ParentSpanId.ToString());
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal("t1", span.GetTagItem("messaging.message.id"));
        Assert.Equal("inventory", span.GetTagItem("messaging.consumer.group.name"));
    }
}
