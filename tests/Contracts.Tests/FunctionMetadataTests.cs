using System.Reflection;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;

namespace Store.Contracts.Tests;

/// <summary>
/// Reads the function metadata that the worker SDK's source generator compiled into each app (what the Functions host
/// indexes) and checks it against the catalog: trigger type, hub, consumer group, connection setting, cardinality, retry.
/// </summary>
public sealed class FunctionMetadataTests
{
    private static readonly EventCatalog Catalog = EventCatalog.Current;

    public static TheoryData<string> Contexts() => [.. Catalog.Contexts.Select(c => c.Name)];

    private static Assembly AppAssembly(string context) => Assembly.Load(context);

    private static async Task<List<(string Function, JsonObject Binding, JsonObject? Retry)>> BindingsOf(string context)
    {
        var assembly = AppAssembly(context);
        var providerType = assembly.GetTypes().Single(t => typeof(IFunctionMetadataProvider).IsAssignableFrom(t) && !t.IsAbstract);
        var provider = (IFunctionMetadataProvider)Activator.CreateInstance(providerType, nonPublic: true)!;
        var metadata = await provider.GetFunctionMetadataAsync(Path.GetDirectoryName(assembly.Location)!);
        var result = new List<(string, JsonObject, JsonObject?)>();
        foreach (var function in metadata)
        {
            JsonObject? retry = function.Retry is { } r
                ? new JsonObject { ["strategy"] = r.Strategy.ToString(), ["maxRetryCount"] = r.MaxRetryCount }
                : null;
            foreach (var raw in function.RawBindings ?? [])
            {
                result.Add((function.Name!, JsonNode.Parse(raw)!.AsObject(), retry));
            }
        }

        return result;
    }

    private static string? Str(JsonObject o, string name) =>
        o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task EventHubTriggers_MatchTheCatalogsConsumersExactly(string context)
    {
        var triggers = (await BindingsOf(context)).Where(b => Str(b.Binding, "type") == "eventHubTrigger").ToList();

        var actual = triggers.Select(t => (Str(t.Binding, "eventHubName"), Str(t.Binding, "consumerGroup"), Str(t.Binding, "connection"))).Order().ToList();
        var expected = Catalog.HubsConsumedBy(context).Select(c => ((string?)c.Hub, (string?)c.ConsumerGroup, (string?)Catalog.ConnectionFor(c.Hub))).Order().ToList();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task EventHubTriggers_AreBatched_WithAFunctionRetryPolicy(string context)
    {
        foreach (var (function, binding, retry) in (await BindingsOf(context)).Where(b => Str(b.Binding, "type") == "eventHubTrigger"))
        {
            Assert.Equal("In", Str(binding, "direction"));
            Assert.Equal("Many", Str(binding, "cardinality"));
            Assert.NotNull(retry);
            // Retry until the batch succeeds (-1): the host keeps the checkpoint through an outage of any length.
            Assert.Equal(Store.Eventing.Processing.DeliveryRetry.MaxRetryCount, retry!["maxRetryCount"]!.GetValue<int>());
            Assert.StartsWith(context + "_", function, StringComparison.Ordinal);
        }
    }

    /// <summary>Every catalog context and whether it keeps state (kind "stateful"): its rows hold the outbox, dead letters included.</summary>
    public static TheoryData<string, bool> ContextsAndTheirOutbox()
    {
        var data = new TheoryData<string, bool>();
        foreach (var context in Catalog.Contexts)
        {
            data.Add(context.Name, context.Kind == "stateful");
        }

        return data;
    }

    [Fact]
    public void EveryContextKind_IsStatefulOrStateless() =>
        Assert.All(Catalog.Contexts, c => Assert.Contains(c.Kind, new[] { "stateful", "stateless" }));

    [Theory]
    [MemberData(nameof(ContextsAndTheirOutbox))]
    public async Task ContextsWithAnOutbox_HaveTheOutboxRelayTimer(string context, bool hasOutbox)
    {
        var timers = (await BindingsOf(context)).Where(b => Str(b.Binding, "type") == "timerTrigger").ToList();
        if (!hasOutbox)
        {
            Assert.Empty(timers);
            return;
        }

        var (function, binding, _) = Assert.Single(timers);
        Assert.Equal(context + "_RelayOutbox", function);
        Assert.Equal(Store.Eventing.Outbox.OutboxRelay.Schedule, Str(binding, "schedule"));
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public async Task NoFunctionUsesAnOutputBindingToEventHubs(string context)
    {
        // Outputs go through EventHubProducerClient with a partition key; the output binding cannot set one.
        Assert.DoesNotContain(await BindingsOf(context), b => Str(b.Binding, "type") == "eventHub");
    }

    [Theory]
    [MemberData(nameof(Contexts))]
    public void ContextReferencesNoOtherContext(string context)
    {
        var others = Catalog.Contexts.Select(c => c.Name).Where(c => c != context).ToHashSet();
        var referenced = AppAssembly(context).GetReferencedAssemblies().Select(a => a.Name!);
        Assert.DoesNotContain(referenced, others.Contains);
    }

    [Fact]
    public async Task SampleFunction_HasTheMetadataTheHostExpects()
    {
        var (function, binding, retry) = (await BindingsOf("Payments")).Single(b => Str(b.Binding, "type") == "eventHubTrigger");

        Assert.Equal("Payments_OnSalesOrders", function);
        Assert.Equal("sales-orders", Str(binding, "eventHubName"));
        Assert.Equal("payments", Str(binding, "consumerGroup"));
        Assert.Equal("SalesEventHubConnection", Str(binding, "connection"));
        Assert.Equal("Many", Str(binding, "cardinality"));
        Assert.Equal("ExponentialBackoff", retry!["strategy"]!.ToString());
    }

    [Fact]
    public void BuildMode_IsReported()
    {
        // Offline here (the feed does not serve the extension); official where it does. Either way the metadata above is what the host reads.
        Assert.Contains(Store.EventHubs.Extension.EventHubsBuildMode.Mode, new[] { "offline", "official" });
    }
}
