using System.Text.Json.Serialization;
using Store.Eventing.Hosting;
using Store.Eventing.Publishing;

namespace Store.LocalHost.Tests.DeadLetters;

/// <summary>The "bug" of the probe consumer: while enabled, orders of customer <see cref="Customer"/> make it throw (an unexpected error, dead-lettered by the kit).</summary>
public sealed class ProbeBug
{
    public const string Customer = "C-BUG";

    public volatile bool Enabled = true;
}

public sealed record ProbeOrder(string OrderId, string CustomerId);

public sealed record ProbeState(IReadOnlyList<string> Orders);

/// <summary>What the probe emits for each order it handles (sent as a catalog type on a hub the probe borrows, see <see cref="ProbeDecider.OutputHub"/>).</summary>
public sealed record ProbeSeen(string OrderId, string CustomerId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProbeOrder))]
[JsonSerializable(typeof(ProbeState))]
[JsonSerializable(typeof(ProbeSeen))]
public sealed partial class ProbeJson : JsonSerializerContext;

/// <summary>
/// A stateful consumer built from the real kit (codec, EventBatchHandler, KeyedBatchProcessor, TableStateStore with its
/// applied log): one entity collects every order it has seen and emits one "seen" event per order. All events of a
/// partition hit the same entity, so the per-source-partition position is ahead of any event that was dead-lettered.
/// </summary>
public sealed class ProbeDecider(ProbeBug bug) : IKeyedDecider<ProbeState>
{
    public const string OutputHub = "notifications-outbox";

    public EntityKey? KeyOf(InboundEvent e) => e.Event.Data is ProbeOrder ? new EntityKey("probe", "orders") : null;

    public ProbeState Initial(EntityKey key) => new([]);

    public Decision<ProbeState> Decide(ProbeState state, InboundEvent e)
    {
        var order = e.DataAs<ProbeOrder>();
        if (bug.Enabled && order.CustomerId == ProbeBug.Customer)
        {
            throw new InvalidOperationException($"probe bug: cannot handle customer {order.CustomerId}");
        }

        return new Decision<ProbeState>(new ProbeState([.. state.Orders, order.OrderId]), [new Emit(new ProbeSeen(order.OrderId, order.CustomerId), "probe-seen")]);
    }
}

public sealed class BuggyProbeFunctions(EventBatchHandler handler, KeyedBatchProcessor<ProbeState> processor)
{
    [Function("BuggyProbe_OnSalesOrders")]
    [ExponentialBackoffRetry(2, "00:00:01", "00:00:02")]
    public Task<BatchOutcome> Run(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = "buggy-probe")] EventData[] events,
        FunctionContext context,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(events, context, processor.ProcessAsync, cancellationToken);
}

internal static class BuggyProbe
{
    /// <summary>The probe app "BuggyProbe", wired like a context's registration but without AddEventing (which accepts catalog contexts only).</summary>
    public static ContextRegistration Registration(ProbeBug bug, string table) =>
        new("BuggyProbe", typeof(BuggyProbeFunctions).Assembly, (services, configuration) =>
        {
            // The probe is no catalog context: it emits as Notifications (a catalog sender of notifications-outbox).
            var registry = new EventTypeRegistry(EventCatalog.Current)
                .Add("sales.order-placed.v1", ProbeJson.Default.ProbeOrder)
                .Add("notifications.notification-requested.v1", ProbeJson.Default.ProbeSeen);
            services.AddSingleton(bug);
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton(new CloudEventCodec(registry));
            services.AddSingleton(sp => new DeadLetterWriter("BuggyProbe", sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<OutboxConfirmations>();
            services.AddSingleton<EventOutbox>();
            services.AddSingleton(sp => new OutputEncoder(sp.GetRequiredService<CloudEventCodec>(), "Notifications"));
            services.AddSingleton<EventingMetrics>();
            services.AddSingleton<EventBatchHandler>();
            services.AddLogging();
            services.AddSingleton(new TableServiceClient(configuration[EventCatalog.Current.StateStorageSetting]));
            services.AddSingleton(sp => new TableStateStore<ProbeState>(sp.GetRequiredService<TableServiceClient>().GetTableClient(table), ProbeJson.Default.ProbeState));
            services.AddSingleton(sp => new KeyedBatchProcessor<ProbeState>(
                sp.GetRequiredService<TableStateStore<ProbeState>>(), new ProbeDecider(bug),
                (e, error) => sp.GetRequiredService<EventBatchHandler>().DeadLetter(e, "buggy-probe", error),
                sp.GetRequiredService<OutputEncoder>(),
                sp.GetRequiredService<EventOutbox>()));
            services.AddSingleton<BuggyProbeFunctions>();
            return services;
        })
        { TypeFilter = t => t == typeof(BuggyProbeFunctions) };

    public static string OrderPlaced(string id, string customer) =>
        $$$"""{"specversion":"1.0","id":"in-{{{id}}}","source":"/tests/dead-letters","type":"sales.order-placed.v1","subject":"{{{id}}}","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","data":{"orderId":"{{{id}}}","customerId":"{{{customer}}}","lines":[{"sku":"SKU-1","quantity":1,"unitPrice":5}],"total":5,"currency":"EUR"}}""";
}
