using Microsoft.Azure.Functions.Worker.Http;

namespace Store.LocalHost.Tests.Hosting;

/// <summary>One delivered batch as a probe function saw it.</summary>
public sealed record ProbeBatch(string Function, string PartitionId, string PartitionContext, IReadOnlyList<long> Sequences, IReadOnlyList<string> Bodies, int RetryCount, string InvocationId);

/// <summary>Records what the probe functions receive; shared through the probe app's DI container.</summary>
public sealed class ProbeRecorder
{
    public ConcurrentQueue<ProbeBatch> Batches { get; } = new();

    public IReadOnlyList<ProbeBatch> Of(string function) => Batches.Where(b => b.Function == function).ToArray();

    internal void Record(string function, EventData[] events, FunctionContext context)
    {
        var partitionContext = (string)context.BindingContext.BindingData["PartitionContext"]!;
        var partitionId = Store.Eventing.Hosting.FunctionContextExtensions.EventHubTrigger(context, "Probe").PartitionId;
        Batches.Enqueue(new ProbeBatch(
            context.FunctionDefinition.Name, partitionId, partitionContext,
            events.Select(e => e.SequenceNumber).ToArray(), events.Select(e => e.EventBody.ToString()).ToArray(),
            context.RetryContext.RetryCount, context.InvocationId));
    }
}

/// <summary>A small function app living in the test assembly, hosted like a context.</summary>
public sealed class ProbeFunctions(ProbeRecorder recorder)
{
    [Function("Probe_OnSalesOrders")]
    [FixedDelayRetry(2, "00:00:01")]
    public Task Run(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = "probe")] EventData[] events,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        recorder.Record(context.FunctionDefinition.Name, events, context);
        if (events.Any(e => e.EventBody.ToString() == "fail"))
        {
            throw new TimeoutException("probe: transient failure on purpose");
        }

        return Task.CompletedTask;
    }

    [Function("Probe_Echo")]
    public HttpResponseData Echo([HttpTrigger(AuthorizationLevel.Function, "get", Route = "probe/{name}/echo")] HttpRequestData req, string name)
    {
        var response = req.CreateResponse(HttpStatusCode.OK);
        response.Headers.Add("Content-Type", "text/plain; charset=utf-8");
        response.Body.Write(Encoding.UTF8.GetBytes($"hello {name} via {req.Method} {req.Url.AbsolutePath}"));
        return response;
    }
}

/// <summary>A second app on the same hub with its own consumer group (joins late in the tests).</summary>
public sealed class LateProbeFunctions(ProbeRecorder recorder)
{
    [Function("LateProbe_OnSalesOrders")]
    public Task Run(
        [EventHubTrigger("sales-orders", Connection = "SalesEventHubConnection", ConsumerGroup = "late-probe")] EventData[] events,
        FunctionContext context)
    {
        recorder.Record(context.FunctionDefinition.Name, events, context);
        return Task.CompletedTask;
    }
}

internal static class ProbeApps
{
    public static ContextRegistration Probe(ProbeRecorder recorder) =>
        new("Probe", typeof(ProbeFunctions).Assembly, (services, _) => services.AddSingleton(recorder)) { TypeFilter = t => t == typeof(ProbeFunctions) };

    public static ContextRegistration LateProbe(ProbeRecorder recorder) =>
        new("LateProbe", typeof(ProbeFunctions).Assembly, (services, _) => services.AddSingleton(recorder)) { TypeFilter = t => t == typeof(LateProbeFunctions) };

    public static LocalHostOptions Options(TextWriter error, int maxBatch = 3, FaultOptions? faults = null, int seed = 1, params ContextRegistration[] contexts) =>
        new("UseDevelopmentStorage=true")
        {
            HostSettings = new HostSettings(maxBatch, 1, FromStart: true),
            Contexts = contexts,
            Faults = faults ?? FaultOptions.None,
            Seed = seed,
            RetryDelayScale = 0.001,
            Error = error,
        };
}
