namespace Store.Eventing.Tests.Processing;

/// <summary>Wires the kit the way a context does, over a real Azurite table and a recording publisher.</summary>
public sealed class KitHarness
{
    public KitHarness(TableClient table, int maxConcurrency = 8, int cacheCapacity = 0)
    {
        Codec = TestCodec.Create();
        Publisher = new RecordingPublisher();
        Confirmations = new OutboxConfirmations();
        Encoder = new OutputEncoder(Codec, "Inventory");
        Outbox = NewOutbox(Publisher, Confirmations);
        Handler = NewHandler(Codec, Outbox);
        Store = new TableStateStore<SkuTotal>(table, TestJson.Default.SkuTotal, cacheCapacity: cacheCapacity);
        Decider = new SkuTotalsDecider();
        Processor = new KeyedBatchProcessor<SkuTotal>(Store, Decider, (e, error) => Handler.DeadLetter(e, "inventory", error), Encoder, Outbox, maxConcurrency);
    }

    /// <summary>A harness over a fresh, created table named after <paramref name="prefix"/>.</summary>
    public static async Task<KitHarness> CreateAsync(AzuriteFixture azurite, string prefix) => new(await azurite.CreateTableAsync(prefix));

    public CloudEventCodec Codec { get; }
    public RecordingPublisher Publisher { get; }
    public OutboxConfirmations Confirmations { get; }
    public OutputEncoder Encoder { get; }
    public EventOutbox Outbox { get; }
    public EventBatchHandler Handler { get; }
    public TableStateStore<SkuTotal> Store { get; }
    public SkuTotalsDecider Decider { get; }
    public KeyedBatchProcessor<SkuTotal> Processor { get; }

    public static EventOutbox NewOutbox(IEventPublisher publisher, OutboxConfirmations confirmations) => new(publisher, confirmations, NullLogger<EventOutbox>.Instance);

    /// <summary>The batch handler of the "Inventory" test context.</summary>
    public static EventBatchHandler NewHandler(CloudEventCodec codec, EventOutbox outbox, DeliveryOptions? delivery = null) =>
        new(codec, new DeadLetterWriter("Inventory", TimeProvider.System), new OutputEncoder(codec, "Inventory"), outbox, new EventingMetrics(), TimeProvider.System, NullLogger<EventBatchHandler>.Instance, delivery);

    public static TriggerContext Trigger(string partition = "0") => new("Inventory", "inventory-stock", "inventory", partition);

    public Task<BatchOutcome> Deliver(Azure.Messaging.EventHubs.EventData[] batch, string partition = "0") =>
        Handler.HandleAsync(batch, Trigger(partition), Processor.ProcessAsync, CancellationToken.None);

    /// <summary>One receipt of quantity 1 per SKU, with ids <c>{prefix}-0</c>, <c>{prefix}-1</c>... and sequence numbers from <paramref name="firstSequence"/>.</summary>
    public Azure.Messaging.EventHubs.EventData[] Receipts(string prefix, IEnumerable<string> skus, long firstSequence = 1) =>
        skus.Select((sku, i) => EventBatches.Received(TestCodec.ReceivedBody($"{prefix}-{i}", sku, 1, Codec), firstSequence + i)).ToArray();

    public async Task<SkuTotal?> Read(string sku) => (await Store.GetAsync("p", sku, CancellationToken.None))?.State;
}
