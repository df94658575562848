namespace Store.Eventing.Tests.Processing;

[Collection(AzuriteCollection.Name)]
public sealed class EventBatchHandlerTests(AzuriteFixture azurite)
{
    private Task<KitHarness> NewHarness() => KitHarness.CreateAsync(azurite, "kit");

    /// <summary><c>{prefix}-1</c> on <paramref name="sku"/>, "boom" on <paramref name="sku"/>, <c>{prefix}-2</c> on <paramref name="otherSku"/>.</summary>
    private static EventData[] BatchWithBoom(KitHarness kit, string prefix, string sku, string otherSku) =>
    [
        EventBatches.Received(TestCodec.ReceivedBody(prefix + "-1", sku, 1, kit.Codec), 1),
        EventBatches.Received(TestCodec.ReceivedBody("boom", sku, 1, kit.Codec), 2),
        EventBatches.Received(TestCodec.ReceivedBody(prefix + "-2", otherSku, 1, kit.Codec), 3),
    ];

    /// <summary>The harness's processor with a bug: any call that includes the "boom" event throws.</summary>
    private static Func<IReadOnlyList<InboundEvent>, CancellationToken, Task<ProcessResult>> BuggyOnBoom(KitHarness kit) => (events, ct) =>
        events.Any(e => e.Event.Id == "boom") ? throw new InvalidOperationException("bug") : kit.Processor.ProcessAsync(events, ct);

    [Fact]
    public async Task Batch_WithMalformedSchemaInvalidAndUnknownEvents_DeadLettersThemAndProcessesTheRest()
    {
        var kit = await NewHarness();
        var batch = new[]
        {
            EventBatches.Received(TestCodec.ReceivedBody("e1", "A", 2, kit.Codec), 1),
            EventBatches.ReceivedText("{{{ not json", 2),
            EventBatches.ReceivedText("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v1\",\"data\":{\"receiptId\":\"r\",\"sku\":\"A\",\"quantity\":-1}}", 3),
            EventBatches.ReceivedText("{\"specversion\":\"1.0\",\"id\":\"y\",\"source\":\"/s\",\"type\":\"inventory.stock-received.v7\",\"data\":{}}", 4),
            EventBatches.Received(TestCodec.ReceivedBody("e5", "A", 3, kit.Codec), 5, properties: new Dictionary<string, object> { ["tenant"] = "t1" }),
        };

        var outcome = await kit.Deliver(batch);

        Assert.Equal((5, 2, 3), (outcome.Received, outcome.Processed, outcome.DeadLettered));
        Assert.Equal(5, (await kit.Read("A"))!.Quantity);
        var deadLetters = kit.Publisher.To("dead-letters").Select(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("data")).ToList();
        Assert.Equal(["malformed-json", "schema-violation", "unknown-type"], deadLetters.Select(d => d.GetProperty("error").GetProperty("kind").GetString()));
        var malformed = deadLetters[0];
        Assert.Equal("{{{ not json", malformed.GetProperty("body").GetString());
        Assert.Equal("utf8", malformed.GetProperty("bodyEncoding").GetString());
        Assert.Equal(("Inventory", "inventory", "inventory-stock", "0", 2L, "2000"),
            (malformed.GetProperty("consumer").GetString(), malformed.GetProperty("consumerGroup").GetString(), malformed.GetProperty("sourceHub").GetString(),
             malformed.GetProperty("partitionId").GetString(), malformed.GetProperty("sequenceNumber").GetInt64(), malformed.GetProperty("offset").GetString()));
        Assert.True(malformed.TryGetProperty("enqueuedTime", out _));
        Assert.All(kit.Publisher.To("dead-letters"), d => Assert.Equal("Inventory", d.PartitionKey));
    }

    [Fact]
    public async Task DeadLetters_ValidateAgainstTheirSchema_AndKeepBinaryBodiesAsBase64()
    {
        var kit = await NewHarness();
        var binary = new byte[] { 0xff, 0xfe, 0x00, 0x81 };

        await kit.Deliver([EventBatches.Received(binary, 7, properties: new Dictionary<string, object> { ["n"] = 42 })]);

        var letter = kit.Publisher.To("dead-letters").Single();
        var registry = new EventTypeRegistry().Add(DeadLetterWriter.EventType, DeadLetterJsonContext.Default.EventDeadLettered);
        var decoded = new CloudEventCodec(registry).Decode(letter.Body);
        Assert.True(decoded.IsEvent, decoded.Error?.Message);
        var data = (EventDeadLettered)decoded.Event!.Data;
        Assert.Equal("base64", data.BodyEncoding);
        Assert.Equal(binary, Convert.FromBase64String(data.Body));
        Assert.Equal("42", data.Properties["n"]);
        Assert.Equal("malformed-json", data.Error.Kind);
    }

    [Fact]
    public async Task DeadLetterIds_AreDeterministic_SoRedeliveredFailuresDeduplicate()
    {
        var kit = await NewHarness();
        var batch = new[] { EventBatches.ReceivedText("nope", 9) };

        await kit.Deliver(batch);
        await kit.Deliver(batch);

        var ids = kit.Publisher.To("dead-letters").Select(d => d.Id).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task RuleViolation_IsDeadLettered_AndTheBatchContinues()
    {
        var kit = await NewHarness();
        var batch = new[]
        {
            EventBatches.Received(TestCodec.ReceivedBody("e1", "FORBIDDEN", 1, kit.Codec), 1),
            EventBatches.Received(TestCodec.ReceivedBody("e2", "B", 4, kit.Codec), 2),
        };

        var outcome = await kit.Deliver(batch);

        Assert.Equal((1, 1), (outcome.Processed, outcome.DeadLettered));
        var letter = JsonDocument.Parse(kit.Publisher.To("dead-letters").Single().Body).RootElement.GetProperty("data");
        Assert.Equal("rule-violation", letter.GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal(4, (await kit.Read("B"))!.Quantity);
    }

    [Fact]
    public async Task TransientPublishFailure_Throws_SoTheRetryPolicyRuns_AndTheRetryPublishesTheSameOutputs()
    {
        var kit = await NewHarness();
        var batch = new[] { EventBatches.Received(TestCodec.ReceivedBody("e1", "C", 1, kit.Codec), 1) };
        kit.Publisher.FailNext = new RequestFailedException(503, "Service unavailable");

        await Assert.ThrowsAsync<RequestFailedException>(() => kit.Deliver(batch));
        Assert.Empty(kit.Publisher.Published);

        await kit.Deliver(batch);

        // State was committed on the first attempt; the retry skips the duplicate but publishes the outbox.
        Assert.Equal(1, (await kit.Read("C"))!.Quantity);
        var published = Assert.Single(kit.Publisher.To("inventory-stock"));
        Assert.Equal(EventIds.Derive("e1", "echo"), published.Id);
    }

    [Fact]
    public async Task NonTransientBugInProcessing_IsolatesTheFailingEvent_AndDeadLettersOnlyIt()
    {
        var kit = await NewHarness();
        var batch = BatchWithBoom(kit, "ok", "D", "E");

        var outcome = await kit.Handler.HandleAsync(batch, KitHarness.Trigger(), BuggyOnBoom(kit), CancellationToken.None);

        Assert.Equal((2, 1), (outcome.Processed, outcome.DeadLettered));
        var letter = JsonDocument.Parse(kit.Publisher.To("dead-letters").Single().Body).RootElement.GetProperty("data");
        Assert.Equal("unexpected", letter.GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal(2L, letter.GetProperty("sequenceNumber").GetInt64());
    }

    [Fact]
    public async Task PublishFailureAfterTheEventByEventFallback_LosesNothing_TheRetryPublishesTheCommittedOutputs()
    {
        var kit = await NewHarness();
        var batch = BatchWithBoom(kit, "fb", "H", "I");
        var process = BuggyOnBoom(kit);
        kit.Publisher.FailNext = new RequestFailedException(503, "Service unavailable");

        // The fallback commits fb-1 and fb-2 one by one, then the publish fails: the batch is retried.
        await Assert.ThrowsAsync<RequestFailedException>(() => kit.Handler.HandleAsync(batch, KitHarness.Trigger(), process, CancellationToken.None));
        await kit.Handler.HandleAsync(batch, KitHarness.Trigger(), process, CancellationToken.None);

        var published = kit.Publisher.To("inventory-stock").Select(e => e.Id).ToHashSet();
        Assert.Contains(EventIds.Derive("fb-1", "echo"), published);
        Assert.Contains(EventIds.Derive("fb-2", "echo"), published);
        Assert.Equal(1, (await kit.Read("H"))!.Quantity);
    }

    [Fact]
    public async Task TransientTableFailure_Propagates()
    {
        var kit = await NewHarness();
        var batch = new[] { EventBatches.Received(TestCodec.ReceivedBody("e1", "F", 1, kit.Codec), 1) };

        await Assert.ThrowsAsync<RequestFailedException>(() => kit.Handler.HandleAsync(batch, KitHarness.Trigger(),
            (_, _) => throw new RequestFailedException(500, "Internal"), CancellationToken.None));
        Assert.Empty(kit.Publisher.Published);
    }

    [Fact]
    public async Task Reaction_MapsEachEvent_AndDeadLettersRejections()
    {
        var kit = await NewHarness();
        var batch = kit.Receipts("s", ["G", "FORBIDDEN"]);

        var outcome = await kit.Handler.ReactAsync(batch, KitHarness.Trigger(), e =>
            kit.Decider.Decide(new SkuTotal("x", 0, 0), e) is { Rejection: { } r } ? Reaction.Reject(r.Message) : Reaction.Emits(),
            CancellationToken.None);

        Assert.Equal((2, 1, 1), (outcome.Received, outcome.Processed, outcome.DeadLettered));
        Assert.Contains("FORBIDDEN", Encoding.UTF8.GetString(kit.Publisher.To("dead-letters").Single().Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reaction_CountsNotMineAsIgnored_NotAsApplied()
    {
        var kit = await NewHarness();
        var batch = kit.Receipts("n", ["MINE", "OTHER"]);

        var outcome = await kit.Handler.ReactAsync(batch, KitHarness.Trigger(), e =>
            e.DataAs<StockReceived>().Sku == "MINE"
                ? Reaction.Emits(new Store.Eventing.Publishing.Emit(new StockReserved("o-1", "c", []), "echo"))
                : Reaction.NotMine,
            CancellationToken.None);

        Assert.Equal((2, 1, 1, 1), (outcome.Received, outcome.Processed, outcome.Ignored, outcome.Emitted));
    }
}
