namespace Store.LocalHost.Explorer;

/// <summary>
/// The live event explorer of <c>--serve</c>: a static page (embedded explorer.html, no CDN) at <c>/</c> and the JSON API it
/// shares with scripts under <c>/explorer/api/</c>: overview (topology, events per hub and partition, checkpoint and lag per
/// consumer, dead-letter count), events (latest, searchable), dead letters (with redelivery), one order's trace, and
/// <c>live</c>, a Server-Sent Events stream of the overview whenever the log or a checkpoint changes.
/// </summary>
public sealed class EventExplorer(LocalFunctionsHost host, TraceRecorder? traces)
{
    private const string Api = "/explorer/api/";

    /// <summary>Handles the explorer's requests; false for anything else (the HTTP functions under /api/).</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, CancellationToken stopping)
    {
        var path = context.Request.Path.Value ?? "/";
        var get = HttpMethods.IsGet(context.Request.Method);
        if (get && path is "/" or "/explorer" or "/explorer/")
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await using var page = typeof(EventExplorer).Assembly.GetManifestResourceStream("explorer.html")
                ?? throw new InvalidOperationException("explorer.html is not embedded in the local host.");
            await page.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            return true;
        }

        if (!path.StartsWith(Api, StringComparison.Ordinal))
        {
            return false;
        }

        var route = path[Api.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var query = context.Request.Query;
        switch (route)
        {
            case ["overview"] when get:
                await WriteJsonAsync(context, Overview()).ConfigureAwait(false);
                return true;
            case ["events"] when get:
                await WriteJsonAsync(context, Events(query["hub"].ToString(), query["q"].ToString(), int.TryParse(query["limit"], out var limit) ? Math.Clamp(limit, 1, 500) : 50)).ConfigureAwait(false);
                return true;
            case ["deadletters"] when get:
                await WriteJsonAsync(context, new JsonArray([.. DeadLetterRedelivery.InLog(host.Log).Select(ToJson)])).ConfigureAwait(false);
                return true;
            case ["deadletters", var id, "redeliver"] when HttpMethods.IsPost(context.Request.Method):
                await RedeliverAsync(context, Uri.UnescapeDataString(id)).ConfigureAwait(false);
                return true;
            case ["trace", var orderId] when get:
                await WriteJsonAsync(context, Trace(Uri.UnescapeDataString(orderId))).ConfigureAwait(false);
                return true;
            case ["live"] when get:
                await LiveAsync(context, stopping).ConfigureAwait(false);
                return true;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await WriteJsonAsync(context, new JsonObject { ["error"] = $"no explorer API {context.Request.Method} {path}" }).ConfigureAwait(false);
                return true;
        }
    }

    /// <summary>Topology, events per hub and partition, checkpoint and lag per consumer (function, partition), dead letters.</summary>
    public JsonObject Overview()
    {
        var catalog = EventCatalog.Current;
        var topology = new JsonArray([.. catalog.Domains.SelectMany(d => d.Streams.Select(s => (JsonNode)new JsonObject
        {
            ["domain"] = d.Name,
            ["owner"] = d.Owner,
            ["hub"] = s.Hub,
            ["partitions"] = s.Partitions,
            ["events"] = new JsonArray([.. s.Events.Select(e => (JsonNode?)e)]),
            ["consumers"] = new JsonArray([.. s.Consumers.Select(c => (JsonNode)new JsonObject { ["context"] = c.Context, ["consumerGroup"] = c.ConsumerGroup })]),
        }))]);
        var hubs = new JsonArray([.. host.Log.Hubs.Select(h => (JsonNode)new JsonObject
        {
            ["hub"] = h,
            ["partitions"] = new JsonArray([.. host.Log.PartitionIds(h).Select(p => (JsonNode)new JsonObject { ["id"] = p, ["events"] = host.Log.EndOf(h, p) })]),
            ["events"] = host.Log.PartitionIds(h).Sum(p => host.Log.EndOf(h, p)),
        })]);
        var consumers = new JsonArray([.. host.Functions.Where(f => f.EventHub is { } t && host.Log.HasHub(t.Hub)).Select(f =>
        {
            var (hub, group) = (f.EventHub!.Hub, f.EventHub.ConsumerGroup);
            var partitions = host.Log.PartitionIds(hub).Select(p => (Id: p, End: host.Log.EndOf(hub, p), Checkpoint: host.Log.Checkpoint(hub, group, p))).ToArray();
            return (JsonNode)new JsonObject
            {
                ["function"] = f.Name,
                ["context"] = f.Context,
                ["hub"] = hub,
                ["consumerGroup"] = group,
                ["lag"] = partitions.Sum(p => p.End - (p.Checkpoint ?? 0)),
                ["partitions"] = new JsonArray([.. partitions.Select(p => (JsonNode)new JsonObject
                {
                    ["id"] = p.Id, ["checkpoint"] = p.Checkpoint, ["end"] = p.End, ["lag"] = p.End - (p.Checkpoint ?? 0),
                })]),
            };
        })]);
        return new JsonObject
        {
            ["version"] = host.Log.Version,
            ["topology"] = topology,
            ["hubs"] = hubs,
            ["consumers"] = consumers,
            ["deadLetters"] = DeadLetterRedelivery.InLog(host.Log).Count,
        };
    }

    /// <summary>The latest events of a hub (all hubs when empty), newest first, whose subject, order id or body contains <paramref name="search"/>.</summary>
    public JsonArray Events(string hub, string search, int limit)
    {
        IReadOnlyList<string> hubs = string.IsNullOrEmpty(hub) ? host.Log.Hubs : host.Log.HasHub(hub) ? [hub] : [];
        var matching = hubs.SelectMany(h => host.Log.ReadAll(h))
            .Where(e => string.IsNullOrEmpty(search) || Encoding.UTF8.GetString(e.Body).Contains(search, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(e => e.EnqueuedTime).ThenByDescending(e => e.SequenceNumber)
            .Take(limit);
        return new JsonArray([.. matching.Select(ToJson)]);
    }

    /// <summary>The spans of the trace of an order (by the events' subject), in start order; empty when none was recorded.</summary>
    public JsonArray Trace(string orderId)
    {
        var traceId = traces?.TraceOf(orderId);
        if (traceId is null)
        {
            return [];
        }

        var spans = traces!.Trace(traceId);
        var start = spans.Count == 0 ? default : spans.Min(s => s.Start);
        return new JsonArray([.. spans.Select(s => (JsonNode)new JsonObject
        {
            ["traceId"] = s.TraceId, ["spanId"] = s.SpanId, ["parentSpanId"] = s.ParentSpanId, ["name"] = s.Name, ["context"] = s.Context,
            ["eventType"] = s.EventType, ["subject"] = s.Subject, ["startMs"] = Math.Round((s.Start - start).TotalMilliseconds, 1),
            ["durationMs"] = Math.Round(s.Duration.TotalMilliseconds, 1),
        })]);
    }

    private async Task RedeliverAsync(HttpContext context, string id)
    {
        var letter = DeadLetterRedelivery.InLog(host.Log).FirstOrDefault(d => d.Id == id);
        if (letter is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await WriteJsonAsync(context, new JsonObject { ["error"] = $"no dead letter '{id}'" }).ConfigureAwait(false);
            return;
        }

        var result = (await DeadLetterRedelivery.RedeliverAsync(host, [letter], context.RequestAborted).ConfigureAwait(false))[0];
        await WriteJsonAsync(context, new JsonObject
        {
            ["id"] = id, ["outcome"] = result.Outcome, ["function"] = result.Function, ["processed"] = result.Processed,
            ["duplicates"] = result.Duplicates, ["deadLettered"] = result.DeadLettered, ["emitted"] = result.Emitted,
        }).ConfigureAwait(false);
    }

    /// <summary>Server-Sent Events: the overview now and after every change of the log or a checkpoint (checked every 250 ms).</summary>
    private async Task LiveAsync(HttpContext context, CancellationToken stopping)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = both.Token;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        string? last = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var overview = Overview().ToJsonString();
                if (overview != last)
                {
                    last = overview;
                    await context.Response.WriteAsync($"event: overview\ndata: {overview}\n\n", ct).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                }

                await Task.Delay(250, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away or the host stops.
        }
    }

    private static JsonNode ToJson(StoredEvent e)
    {
        JsonNode? cloudEvent = null;
        try
        {
            cloudEvent = JsonNode.Parse(e.Body);
        }
        catch (JsonException)
        {
            // Not JSON: shown as text.
        }

        var attributes = new JsonObject();
        if (cloudEvent is JsonObject ce)
        {
            foreach (var (name, value) in ce.Where(p => p.Key is not "data" and not "data_base64"))
            {
                attributes[name] = value?.DeepClone();
            }
        }

        return new JsonObject
        {
            ["hub"] = e.Hub, ["partition"] = e.PartitionId, ["sequenceNumber"] = e.SequenceNumber, ["partitionKey"] = e.PartitionKey,
            ["enqueuedTime"] = e.EnqueuedTime, ["attributes"] = attributes,
            ["data"] = cloudEvent is JsonObject o ? o["data"]?.DeepClone() : null,
            ["text"] = cloudEvent is JsonObject ? null : Encoding.UTF8.GetString(e.Body),
        };
    }

    private static JsonNode ToJson(DeadLetter d) => new JsonObject
    {
        ["id"] = d.Id, ["time"] = d.Time, ["consumer"] = d.Data.Consumer, ["consumerGroup"] = d.Data.ConsumerGroup, ["source"] = d.Source,
        ["errorKind"] = d.Data.Error.Kind, ["error"] = d.Data.Error.Message, ["body"] = Encoding.UTF8.GetString(d.OriginalBody),
    };

    private static async Task WriteJsonAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
