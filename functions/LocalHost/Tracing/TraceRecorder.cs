namespace Store.LocalHost.Tracing;

/// <summary>One finished span as the local host saw it.</summary>
public sealed record RecordedSpan(
    string TraceId, string SpanId, string? ParentSpanId, string Name, ActivityKind Kind, string? Context, string? EventType, string? Subject,
    DateTimeOffset Start, TimeSpan Duration);

/// <summary>
/// Listens (in process, like an OpenTelemetry exporter would) to the kit's <c>Store.Eventing</c> source, whose consumer
/// spans are children of the trace context each event carries, and to the local host's own HTTP server spans
/// (<see cref="HostSource"/>), which become the parent of everything an ingress request starts. Keeps finished spans in
/// memory (bounded) so one order's trace can be printed across contexts.
/// </summary>
public sealed class TraceRecorder : IDisposable
{
    /// <summary>The local host's source: one server span per HTTP request, named like the Functions host ("POST /api/orders").</summary>
    public static readonly ActivitySource HostSource = new(HostSourceName);

    /// <summary>The name of <see cref="HostSource"/>.</summary>
    public const string HostSourceName = "Store.LocalHost";

    /// <summary>The tag on a server span naming the <see cref="Hosting.LocalFunctionsHost.InstanceId"/> that served it.</summary>
    public const string HostInstanceTag = "store.localhost.instance";

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<RecordedSpan> _spans = new();
    private readonly string? _host;
    private readonly ConcurrentDictionary<ActivityTraceId, byte> _hostTraces = new();
    private readonly int _capacity;
    private int _count;

    /// <summary>
    /// Starts listening; keeps at most <paramref name="capacity"/> spans. With <paramref name="host"/> (a host's
    /// <see cref="Hosting.LocalFunctionsHost.InstanceId"/>) it keeps only the traces that host's HTTP requests started, so
    /// hosts running side by side in one process (tests) do not see each other's orders.
    /// </summary>
    public TraceRecorder(string? host = null, int capacity = 500_000)
    {
        _host = host;
        _capacity = capacity;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is EventingMetrics.Name or HostSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = OnStarted,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every recorded span.</summary>
    public IReadOnlyList<RecordedSpan> Spans => [.. _spans];

    /// <summary>The spans of one trace, in start order.</summary>
    public IReadOnlyList<RecordedSpan> Trace(string traceId) =>
        _spans.Where(s => s.TraceId == traceId).OrderBy(s => s.Start).ThenBy(s => s.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The trace id of the spans about an aggregate (an event subject, e.g. an order id), if any.</summary>
    public string? TraceOf(string subject) => _spans.FirstOrDefault(s => s.Subject == subject)?.TraceId;

    /// <summary>
    /// The most complete trace that has a span of every context in <paramref name="required"/> (e.g. a shipped order:
    /// Sales ingress, Inventory, Payments, Fulfillment, Tracking) and, when <paramref name="eventType"/> is given, a span
    /// processing that event type (e.g. <c>fulfillment.shipment-requested.v1</c>): most contexts, then the shortest, then fewest spans.
    /// </summary>
    public string? MostCompleteTrace(string? eventType, params string[] required) =>
        _spans.GroupBy(s => s.TraceId)
            .Where(g => eventType is null || g.Any(s => s.EventType == eventType))
            .Select(g => (Id: g.Key, Contexts: g.Select(s => s.Context).OfType<string>().ToHashSet(StringComparer.Ordinal), Count: g.Count(),
                Length: g.Max(s => s.Start + s.Duration) - g.Min(s => s.Start)))
            .Where(t => required.All(t.Contexts.Contains))
            .OrderByDescending(t => t.Contexts.Count).ThenBy(t => t.Length).ThenBy(t => t.Count)
            .Select(t => t.Id)
            .FirstOrDefault();

    /// <summary>Prints a trace: one line per span with context, operation, event type, start offset and duration.</summary>
    public static async Task WriteAsync(IReadOnlyList<RecordedSpan> spans, TextWriter output)
    {
        if (spans.Count == 0)
        {
            return;
        }

        var origin = spans[0].Start;
        await output.WriteLineAsync($"  {"context",-14} {"operation",-62} {"event type",-42} {"start ms",9} {"ms",8}").ConfigureAwait(false);
        foreach (var s in spans)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {s.Context ?? "?",-14} {s.Name,-62} {s.EventType ?? "-",-42} {(s.Start - origin).TotalMilliseconds,9:0.0} {s.Duration.TotalMilliseconds,8:0.0}")).ConfigureAwait(false);
        }
    }

    private void OnStarted(Activity activity)
    {
        if (_host is not null && activity.Source.Name == HostSourceName && activity.GetTagItem(HostInstanceTag) as string == _host)
        {
            _hostTraces.TryAdd(activity.TraceId, 0);
        }
    }

    private void OnStopped(Activity activity)
    {
        if (_host is not null && !_hostTraces.ContainsKey(activity.TraceId))
        {
            return;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            return;
        }

        _spans.Enqueue(new RecordedSpan(
            activity.TraceId.ToHexString(), activity.SpanId.ToHexString(), activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString(),
            activity.DisplayName, activity.Kind, activity.GetTagItem("store.context") as string, activity.GetTagItem("cloudevents.event_type") as string,
            activity.GetTagItem("cloudevents.event_subject") as string, new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero), activity.Duration));
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
