using System.Collections;
using System.Collections.Immutable;
using Microsoft.Azure.Functions.Worker.Context.Features;

namespace Store.LocalHost.Functions;

/// <summary>
/// The <see cref="FunctionContext"/> the local host passes to a function: invocation id, the function's definition,
/// the app's services, the cancellation token and the trigger's binding data (for Event Hubs:
/// <c>PartitionContext = {"PartitionId":"n","EventHubName":"...","ConsumerGroup":"..."}</c>, as the real host supplies it).
/// </summary>
public sealed class LocalFunctionContext : FunctionContext
{
    /// <summary>Creates the context of one invocation.</summary>
    public LocalFunctionContext(FunctionDescriptor function, IServiceProvider services, IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken, int retryCount = 0, int maxRetryCount = 0)
    {
        FunctionDefinition = new LocalFunctionDefinition(function);
        InstanceServices = services;
        BindingContext = new LocalBindingContext(bindingData);
        CancellationToken = cancellationToken;
        RetryContext = new LocalRetryContext(retryCount, maxRetryCount);
        TraceContext = new LocalTraceContext(System.Diagnostics.Activity.Current?.Id ?? "", "");
    }

    /// <summary>Binding data for an Event Hubs invocation on a partition.</summary>
    public static Dictionary<string, object?> EventHubBindingData(string hub, string consumerGroup, string partitionId) => new(StringComparer.Ordinal)
    {
        ["PartitionContext"] = System.Text.Json.JsonSerializer.Serialize(
            new Dictionary<string, string> { ["PartitionId"] = partitionId, ["EventHubName"] = hub, ["ConsumerGroup"] = consumerGroup, ["FullyQualifiedNamespace"] = "localhost" },
            LocalHostJson.Default.DictionaryStringString),
    };

    /// <inheritdoc />
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    /// <inheritdoc />
    public override string FunctionId => FunctionDefinition.Id;

    /// <inheritdoc />
    public override TraceContext TraceContext { get; }

    /// <inheritdoc />
    public override BindingContext BindingContext { get; }

    /// <inheritdoc />
    public override RetryContext RetryContext { get; }

    /// <inheritdoc />
    public override IServiceProvider InstanceServices { get; set; }

    /// <inheritdoc />
    public override FunctionDefinition FunctionDefinition { get; }

    /// <inheritdoc />
    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    /// <inheritdoc />
    public override IInvocationFeatures Features { get; } = new LocalInvocationFeatures();

    /// <inheritdoc />
    public override CancellationToken CancellationToken { get; }

    private sealed class LocalBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
    }

    private sealed class LocalRetryContext(int retryCount, int maxRetryCount) : RetryContext
    {
        public override int RetryCount { get; } = retryCount;

        public override int MaxRetryCount { get; } = maxRetryCount;
    }

    private sealed class LocalTraceContext(string traceParent, string traceState) : TraceContext
    {
        public override string TraceParent { get; } = traceParent;

        public override string TraceState { get; } = traceState;
    }

    private sealed class LocalFunctionDefinition(FunctionDescriptor function) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters { get; } =
            [.. function.Method.GetParameters().Select(p => new FunctionParameter(p.Name ?? "", p.ParameterType))];

        public override string PathToAssembly { get; } = function.Method.DeclaringType?.Assembly.Location ?? "";

        public override string EntryPoint { get; } = $"{function.Method.DeclaringType?.FullName}.{function.Method.Name}";

        public override string Id { get; } = function.Context + "/" + function.Name;

        public override string Name { get; } = function.Name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings { get; } = ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings { get; } = ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class LocalInvocationFeatures : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> _features = [];

        public T? Get<T>() => _features.TryGetValue(typeof(T), out var value) ? (T)value : default;

        public void Set<T>(T instance)
        {
            if (instance is null)
            {
                _features.Remove(typeof(T));
            }
            else
            {
                _features[typeof(T)] = instance;
            }
        }

        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _features.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
