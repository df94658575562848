using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Store.Eventing.Hosting;

/// <summary>Registers the eventing kit for one context.</summary>
public static class EventingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the kit for <paramref name="context"/>: codec (its event types are the records <paramref name="json"/>
    /// serializes that carry <see cref="CloudEventTypeAttribute"/>), encoder, outbox, dead letters, batch handler, the state
    /// <see cref="TableServiceClient"/> and a producer per hub it sends to (settings: the kit README). A host may substitute
    /// the publisher (TryAdd).
    /// </summary>
    public static IServiceCollection AddEventing(this IServiceCollection services, IConfiguration configuration, string context, JsonSerializerContext json)
    {
        var catalog = EventCatalog.Current;
        if (catalog.Contexts.All(c => c.Name != context))
        {
            throw new ArgumentException($"Context '{context}' is not in schemas/catalog.json.", nameof(context));
        }

        var registry = new EventTypeRegistry(catalog).AddAll(json);
        var consumed = catalog.HubsConsumedBy(context).SelectMany(h => catalog.Stream(h.Hub).Stream.Events);
        if (registry.UnreadVersions(consumed) is { Count: > 0 } unread)
        {
            throw new InvalidOperationException(
                $"{context} reads other versions of {string.Join(", ", unread.Select(t => $"'{t}'"))} but has no record for {(unread.Count == 1 ? "it" : "them")}: add one, or an older-version record that upcasts (IUpcast<T>), so no version on its hubs is skipped.");
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(registry);
        services.AddSingleton(new CloudEventCodec(registry));
        services.AddSingleton(sp => new OutputEncoder(sp.GetRequiredService<CloudEventCodec>(), context));
        services.AddSingleton(sp => new DeadLetterWriter(context, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<OutboxConfirmations>();
        services.TryAddSingleton<EventOutbox>();
        services.TryAddSingleton<EventingMetrics>();
        services.TryAddSingleton(DeliveryOptions.From(configuration, context));
        services.TryAddSingleton(OutboxRelayOptions.From(configuration));
        services.AddSingleton<EventBatchHandler>();
        services.TryAddSingleton<OutboxRelay>();
        services.TryAddSingleton<IEventPublisher, EventHubsPublisher>();
        services.AddLogging();

        services.AddAzureClients(clients =>
        {
            var storage = configuration.GetSection(catalog.StateStorageSetting);
            clients.AddTableServiceClient(storage);
            foreach (var hub in catalog.HubsSentBy(context))
            {
                var setting = catalog.ConnectionFor(hub);
                clients.AddClient<EventHubProducerClient, EventHubProducerClientOptions>((options, credential, sp) =>
                        CreateProducer(configuration.GetSection(setting), setting, hub, options, sp))
                    .WithName(hub);
            }
        });
        return services;
    }

    private static EventHubProducerClient CreateProducer(IConfigurationSection section, string setting, string hub, EventHubProducerClientOptions options, IServiceProvider sp)
    {
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            return new EventHubProducerClient(section.Value, hub, options);
        }

        var fullyQualifiedNamespace = section["fullyQualifiedNamespace"];
        if (string.IsNullOrWhiteSpace(fullyQualifiedNamespace))
        {
            throw new InvalidOperationException(
                $"Missing Event Hubs connection for hub '{hub}': set '{setting}' (connection string, e.g. the emulator's) or '{setting}__fullyQualifiedNamespace' (managed identity).");
        }

        var credential = sp.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(section);
        return new EventHubProducerClient(fullyQualifiedNamespace, hub, credential, options);
    }

    /// <summary>
    /// Registers the context's state table of <typeparamref name="TState"/> rows (name from setting <paramref name="setting"/>,
    /// default <paramref name="defaultName"/>; created on first use) and lets the outbox relay watch it. Resolve it as
    /// <see cref="TableStateStore{TState}"/>.
    /// </summary>
    public static IServiceCollection AddStateTable<TState>(
        this IServiceCollection services, IConfiguration configuration, string setting, string defaultName,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TState> stateType, int appliedWindow = AppliedLog.DefaultWindow, int cacheCapacity = 0)
    {
        var tableName = configuration[setting] is { Length: > 0 } configured ? configured : defaultName;
        services.AddSingleton(sp => new TableStateStore<TState>(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(tableName), stateType, appliedWindow, cacheCapacity,
            (sp.GetService<OutboxRelayOptions>() ?? OutboxRelayOptions.Default).IndexRefresh));
        return services.AddSingleton<IRelayedOutbox>(sp => new RelayedOutbox<TState>(sp.GetRequiredService<TableStateStore<TState>>()));
    }

    /// <summary>
    /// Registers a keyed decider over the <typeparamref name="TState"/> table (see <see cref="AddStateTable{TState}"/>):
    /// resolve <see cref="KeyedBatchProcessor{TState}"/> and pass its <c>ProcessAsync</c> to the batch handler.
    /// </summary>
    public static IServiceCollection AddKeyedDecider<TState, TDecider>(this IServiceCollection services)
        where TDecider : class, IKeyedDecider<TState> => services.AddKeyedRows<TState, TDecider>();

    /// <summary>Registers a keyed projection over the <typeparamref name="TState"/> table, as <see cref="AddKeyedDecider{TState, TDecider}"/>.</summary>
    public static IServiceCollection AddKeyedProjection<TState, TProjection>(this IServiceCollection services)
        where TProjection : class, IKeyedProjection<TState> => services.AddKeyedRows<TState, TProjection>();

    /// <summary>
    /// Registers a partition decider over the <typeparamref name="TRow"/> table (see <see cref="AddStateTable{TState}"/>):
    /// resolve <see cref="PartitionBatchProcessor{TRow}"/> and pass its <c>ProcessAsync</c> to the batch handler.
    /// </summary>
    public static IServiceCollection AddPartitionDecider<TRow, TDecider>(this IServiceCollection services)
        where TRow : class
        where TDecider : class, IPartitionDecider<TRow>
    {
        services.AddSingleton<TDecider>();
        return services.AddSingleton(sp => new PartitionBatchProcessor<TRow>(sp.GetRequiredService<TableStateStore<TRow>>(), sp.GetRequiredService<TDecider>(),
            sp.DeadLetterForConsumerGroup(), sp.GetRequiredService<OutputEncoder>(), sp.GetRequiredService<EventOutbox>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<PartitionBatchProcessor<TRow>>()));
    }

    /// <summary>Registers <see cref="EntityCommands{TState}"/> over the <typeparamref name="TState"/> table (see <see cref="AddStateTable{TState}"/>).</summary>
    public static IServiceCollection AddEntityCommands<TState>(this IServiceCollection services)
        where TState : class =>
        services.AddSingleton<EntityCommands<TState>>();

    /// <summary>A keyed batch processor over a decider's or a projection's rows.</summary>
    public static KeyedBatchProcessor<TState> CreateKeyedProcessor<TState>(this IServiceProvider sp, TableStateStore<TState> store, IKeyedRows<TState> rows) =>
        new(store, rows, sp.DeadLetterForConsumerGroup(), sp.GetRequiredService<OutputEncoder>(), sp.GetRequiredService<EventOutbox>());

    private static IServiceCollection AddKeyedRows<TState, TRows>(this IServiceCollection services)
        where TRows : class, IKeyedRows<TState>
    {
        services.AddSingleton<TRows>();
        return services.AddSingleton(sp => sp.CreateKeyedProcessor(sp.GetRequiredService<TableStateStore<TState>>(), sp.GetRequiredService<TRows>()));
    }

    // Rule violations are dead-lettered for the context's consumer group in the catalog.
    private static Func<InboundEvent, DataError, OutgoingEvent> DeadLetterForConsumerGroup(this IServiceProvider sp)
    {
        var deadLetters = sp.GetRequiredService<DeadLetterWriter>();
        var consumerGroup = EventCatalog.Current.ConsumerGroupOf(deadLetters.Context);
        return (e, error) => deadLetters.Create(e.Raw, consumerGroup, error, e.Event.TraceParent);
    }
}
