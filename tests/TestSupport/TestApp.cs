using System.Reflection;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Store.Eventing.Catalog;
using Store.Eventing.Processing;
using Store.Eventing.State;

namespace Store.TestSupport;

/// <summary>
/// The one test harness of a context: its app built with its own registration (the one its Program.cs and the local host
/// use) over the given settings, with a <see cref="RecordingPublisher"/> and optionally a clock. Batches reach the app's
/// Event Hubs trigger functions by hub, found from their trigger attributes, with the binding data the host supplies.
/// </summary>
public sealed class TestApp : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly Assembly _app;
    private long _sequence;

    private readonly Func<IServiceCollection, IConfiguration, IServiceCollection> _register;
    private readonly string _storage;
    private readonly IDictionary<string, string?>? _settings;
    private readonly TimeProvider? _clock;
    private readonly Action<IServiceCollection>? _overrides;

    /// <summary>
    /// Builds the app; <paramref name="storage"/> is the state storage connection string; <paramref name="overrides"/>
    /// replaces services after the context's registration (e.g. a Tables client with a modelled transport).
    /// </summary>
    public TestApp(Func<IServiceCollection, IConfiguration, IServiceCollection> register, string storage, IDictionary<string, string?>? settings = null, TimeProvider? clock = null, Action<IServiceCollection>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(register);
        (_register, _storage, _settings, _clock, _overrides) = (register, storage, settings, clock, overrides);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { [EventCatalog.Current.StateStorageSetting] = storage })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(Publisher);
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        register(services, configuration);
        overrides?.Invoke(services);
        _services = services.BuildServiceProvider();
        _app = register.Method.DeclaringType!.Assembly;
    }

    /// <summary>Everything the app published.</summary>
    public RecordingPublisher Publisher { get; } = new();

    /// <summary>The app's codec (the event types it reads and writes).</summary>
    public CloudEventCodec Codec => Get<CloudEventCodec>();

    /// <summary>What the app dead-lettered.</summary>
    public IReadOnlyList<OutgoingEvent> DeadLetters => Publisher.To(EventCatalog.Current.DeadLetterStream.Hub);

    /// <summary>A registered service, or a function class created with the app's services.</summary>
    public T Get<T>() where T : notnull => ActivatorUtilities.GetServiceOrCreateInstance<T>(_services);

    /// <summary>The same app in a new process (empty caches) over the same settings and tables.</summary>
    public TestApp Restarted() => new(_register, _storage, _settings, _clock, _overrides);

    /// <summary>One received event with the next sequence number.</summary>
    public EventData Received(byte[] body, string? partitionKey = null) => EventBatches.Received(body, Interlocked.Increment(ref _sequence), partitionKey);

    /// <summary>Received events with increasing sequence numbers.</summary>
    public EventData[] Batch(params (byte[] Body, string? PartitionKey)[] events) =>
        events.Select(e => Received(e.Body, e.PartitionKey)).ToArray();

    /// <summary>Delivers a batch to the app's trigger function on <paramref name="hub"/>, as the host would on that partition.</summary>
    public Task<BatchOutcome> DeliverAsync(string hub, EventData[] batch, string partitionId = "0", int retryCount = 0)
    {
        var (method, name, consumerGroup) = TriggerOf(hub);
        var function = ActivatorUtilities.GetServiceOrCreateInstance(_services, method.DeclaringType!);
        var context = EventBatches.FunctionContextFor(partitionId, name, hub, consumerGroup, retryCount);
        var arguments = method.GetParameters().Select(p =>
            p.ParameterType == typeof(EventData[]) ? batch
            : p.ParameterType == typeof(FunctionContext) ? context
            : p.ParameterType == typeof(CancellationToken) ? (object)CancellationToken.None
            : throw new InvalidOperationException($"{name}: unexpected parameter {p.Name}.")).ToArray();
        return (Task<BatchOutcome>)method.Invoke(function, BindingFlags.DoNotWrapExceptions, null, arguments, null)!;
    }

    /// <summary>Delivers the events in order, one batch per run of consecutive events on the same hub.</summary>
    public async Task DeliverInOrderAsync(IEnumerable<(string Hub, byte[] Body, string? PartitionKey)> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var run = new List<(string Hub, byte[] Body, string? PartitionKey)>();
        foreach (var e in events.Append((Hub: "", Body: Array.Empty<byte>(), PartitionKey: null)))
        {
            if (run.Count > 0 && run[0].Hub != e.Hub)
            {
                await DeliverAsync(run[0].Hub, Batch([.. run.Select(r => (r.Body, r.PartitionKey))])).ConfigureAwait(false);
                run.Clear();
            }

            run.Add(e);
        }
    }

    /// <summary>An HTTP request to the function named <paramref name="function"/>.</summary>
    public static InMemoryHttpRequest Request(string function, string method, string path, string? json = null) =>
        InMemoryHttpRequest.Json(EventBatches.FunctionContextFor("0", function), method, path, json);

    /// <summary>The stored state JSON of every row, by "partition/row", without the kit's outbox and applied-mark bookkeeping.</summary>
    public static async Task<Dictionary<string, string>> StatesAsync(TableClient table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>().ConfigureAwait(false))
        {
            if (entity.PartitionKey != OutboxMarkers.IndexPartition && !OutboxMarkers.IsMarker(entity.RowKey) && !AppliedMarks.IsMark(entity.RowKey))
            {
                result[entity.PartitionKey + "/" + entity.RowKey] = entity.GetString("State");
            }
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();

    private (MethodInfo Method, string Name, string ConsumerGroup) TriggerOf(string hub)
    {
        var found = (
            from type in _app.GetExportedTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            from parameter in method.GetParameters()
            from attribute in parameter.CustomAttributes
            where attribute.AttributeType.Name == "EventHubTriggerAttribute" && (string?)attribute.ConstructorArguments[0].Value == hub
            select (method, Named(method.CustomAttributes.Single(a => a.AttributeType.Name == "FunctionAttribute").ConstructorArguments[0].Value),
                Named(attribute.NamedArguments.Single(a => a.MemberName == "ConsumerGroup").TypedValue.Value))).ToArray();
        return found.Length == 1 ? found[0] : throw new ArgumentOutOfRangeException(nameof(hub), hub, $"{_app.GetName().Name} has {found.Length} triggers on this hub.");
    }

    private static string Named(object? value) => value as string ?? throw new InvalidOperationException("Expected a string attribute argument.");
}
