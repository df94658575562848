namespace Store.LocalHost.Explorer;

/// <summary>
/// The live event explorer of <c>--serve</c>: a static page (embedded explorer.html, no CDN) at <c>/</c> and the JSON API it
/// shares with scripts under <c>/explorer/api/</c> (listed in the local host's README). Bad query parameters get a 400
/// problem-details body listing each one; unknown ids a 404 problem.
/// </summary>
public sealed class EventExplorer : IDisposable
{
    private const string Api = "/explorer/api/";
    private const int RedeliveryLogSize = 200;

    private readonly LocalFunctionsHost _host;
    private readonly TraceRecorder? _traces;
    private readonly ConcurrentDictionary<string, RedeliveryResult> _lastRedelivery = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTimeOffset Time, RedeliveryResult Result)> _redeliveries = new();

    /// <summary>Serves <paramref name="host"/>; <paramref name="traces"/> gives the Orders view its waterfall.</summary>
    public EventExplorer(LocalFunctionsHost host, TraceRecorder? traces)
    {
        _host = host;
        _traces = traces;
        Metrics = new ExplorerMetrics(host, () =>
        {
            var letters = DeadLetterRedelivery.InLog(host.Log);
            return (letters.Count, letters.Count(IsOpen));
        });
    }

    /// <summary>The live charts' samples.</summary>
    public ExplorerMetrics Metrics { get; }

    /// <summary>Handles the explorer's requests; false for anything else (the HTTP functions under /api/).</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, CancellationToken stopping)
    {
        var path = context.Request.Path.Value ?? "/";
        var get = HttpMethods.IsGet(context.Request.Method);
        var post = HttpMethods.IsPost(context.Request.Method);
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

        var route = path[Api.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var query = context.Request.Query;
        switch (route)
        {
            case ["overview"] when get:
                await WriteJsonAsync(context, Overview()).ConfigureAwait(false);
                return true;
            case ["metrics"] when get:
                await WriteJsonAsync(context, new JsonObject
                {
                    ["intervalMs"] = ExplorerMetrics.Interval.TotalMilliseconds,
                    ["samples"] = new JsonArray([.. Metrics.Samples.Select(s => (JsonNode)ExplorerMetrics.ToJson(s))]),
                }).ConfigureAwait(false);
                return true;
            case ["events"] when get:
                await EventsAsync(context).ConfigureAwait(false);
                return true;
            case ["schemas", var domain, var file] when get:
                await SchemaAsync(context, domain + "/" + file).ConfigureAwait(false);
                return true;
            case ["contexts", var name] when get:
                await ContextAsync(context, name).ConfigureAwait(false);
                return true;
            case ["consumers", var function, var action and ("pause" or "resume")] when post:
                if (action == "pause" ? _host.PauseConsumer(function) : _host.ResumeConsumer(function))
                {
                    await WriteJsonAsync(context, new JsonObject { ["function"] = function, ["paused"] = _host.IsPaused(function) }).ConfigureAwait(false);
                }
                else
                {
                    await ProblemAsync(context, StatusCodes.Status404NotFound, $"No Event Hubs function '{function}'.").ConfigureAwait(false);
                }

                return true;
            case ["deadletters"] when get:
                await WriteJsonAsync(context, new JsonArray([.. DeadLetters(query["consumer"].ToString(), query["errorKind"].ToString()).Select(ToJson)])).ConfigureAwait(false);
                return true;
            case ["deadletters", "groups"] when get:
                await WriteJsonAsync(context, DeadLetterGroups()).ConfigureAwait(false);
                return true;
            case ["deadletters", "redeliver"] when post:
                await RedeliverGroupAsync(context, query["consumer"].ToString(), query["errorKind"].ToString()).ConfigureAwait(false);
                return true;
            case ["deadletters", var id, "redeliver"] when post:
                await RedeliverOneAsync(context, id).ConfigureAwait(false);
                return true;
            case ["redeliveries"] when get:
                await WriteJsonAsync(context, new JsonArray([.. _redeliveries.Reverse().Select(r => ToJson(r.Result, r.Time))])).ConfigureAwait(false);
                return true;
            case ["trace", var orderId] when get:
                await WriteJsonAsync(context, Trace(orderId)).ConfigureAwait(false);
                return true;
            case ["live"] when get:
                await LiveAsync(context, stopping).ConfigureAwait(false);
                return true;
            default:
                await ProblemAsync(context, StatusCodes.Status404NotFound, $"No explorer API {context.Request.Method} {path}.").ConfigureAwait(false);
                return true;
        }
    }

    /// <summary>
    /// Contexts and topology from the catalog, events per hub and partition, checkpoint and lag per consumer (function,
    /// partition, paused or not), dead letters (all, and still open: not yet redelivered successfully).
    /// </summary>
    public JsonObject Overview()
    {
        var catalog = EventCatalog.Current;
        var topology = new JsonArray([.. catalog.Domains.SelectMany(d => d.Streams.Select(s => (JsonNode)new JsonObject
        {
            ["domain"] = d.Name,
            ["owner"] = d.Owner,
            ["hub"] = s.Hub,
            ["deadLetter"] = s.DeadLetter,
            ["partitions"] = s.Partitions,
            ["events"] = new JsonArray([.. s.Events.Select(e => (JsonNode?)e)]),
            ["consumers"] = new JsonArray([.. s.Consumers.Select(c => (JsonNode)new JsonObject { ["context"] = c.Context, ["consumerGroup"] = c.ConsumerGroup })]),
        }))]);
        var hubs = new JsonArray([.. _host.Log.Hubs.Select(h => (JsonNode)new JsonObject
        {
            ["hub"] = h,
            ["partitions"] = new JsonArray([.. _host.Log.PartitionIds(h).Select(p => (JsonNode)new JsonObject { ["id"] = p, ["events"] = _host.Log.EndOf(h, p) })]),
            ["events"] = _host.Log.PartitionIds(h).Sum(p => _host.Log.EndOf(h, p)),
        })]);
        var consumers = new JsonArray([.. _host.Functions.Where(f => f.EventHub is { } t && _host.Log.HasHub(t.Hub)).Select(f =>
        {
            var (hub, group) = (f.EventHub!.Hub, f.EventHub.ConsumerGroup);
            var partitions = _host.Log.PartitionIds(hub).Select(p => (Id: p, End: _host.Log.EndOf(hub, p), Checkpoint: _host.Log.Checkpoint(hub, group, p))).ToArray();
            return (JsonNode)new JsonObject
            {
                ["function"] = f.Name,
                ["context"] = f.Context,
                ["hub"] = hub,
                ["consumerGroup"] = group,
                ["paused"] = _host.IsPaused(f.Name),
                ["lag"] = partitions.Sum(p => p.End - (p.Checkpoint ?? 0)),
                ["partitions"] = new JsonArray([.. partitions.Select(p => (JsonNode)new JsonObject
                {
                    ["id"] = p.Id, ["checkpoint"] = p.Checkpoint, ["end"] = p.End, ["lag"] = p.End - (p.Checkpoint ?? 0),
                })]),
            };
        })]);
        var letters = DeadLetterRedelivery.InLog(_host.Log);
        return new JsonObject
        {
            ["version"] = _host.Log.Version,
            ["contexts"] = new JsonArray([.. catalog.Contexts.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["kind"] = c.Kind, ["description"] = c.Description })]),
            ["topology"] = topology,
            ["hubs"] = hubs,
            ["consumers"] = consumers,
            ["deadLetters"] = letters.Count(IsOpen),
            ["deadLettersTotal"] = letters.Count,
        };
    }

    /// <summary>The spans of the trace of an order (by the events' subject), in start order; empty when none was recorded.</summary>
    public JsonArray Trace(string orderId)
    {
        var traceId = _traces?.TraceOf(orderId);
        if (traceId is null)
        {
            return [];
        }

        var spans = _traces!.Trace(traceId);
        var start = spans.Count == 0 ? default : spans.Min(s => s.Start);
        return new JsonArray([.. spans.Select(s => (JsonNode)new JsonObject
        {
            ["traceId"] = s.TraceId, ["spanId"] = s.SpanId, ["parentSpanId"] = s.ParentSpanId, ["name"] = s.Name, ["kind"] = s.Kind.ToString(),
            ["context"] = s.Context, ["eventType"] = s.EventType, ["subject"] = s.Subject, ["start"] = s.Start,
            ["startMs"] = Math.Round((s.Start - start).TotalMilliseconds, 1), ["durationMs"] = Math.Round(s.Duration.TotalMilliseconds, 1),
        })]);
    }

    /// <inheritdoc />
    public void Dispose() => Metrics.Dispose();

    /// <summary>A dead letter is open until a redelivery of it ends in anything but another failure.</summary>
    private bool IsOpen(DeadLetter letter) =>
        !_lastRedelivery.TryGetValue(letter.Id, out var last) || last.Outcome == "dead-lettered again" || last.Outcome.StartsWith("skipped", StringComparison.Ordinal);

    private IEnumerable<DeadLetter> DeadLetters(string consumer, string errorKind) =>
        DeadLetterRedelivery.InLog(_host.Log)
            .Where(d => (consumer.Length == 0 || d.Data.Consumer == consumer) && (errorKind.Length == 0 || d.Data.Error.Kind == errorKind));

    private JsonArray DeadLetterGroups() =>
        new([.. DeadLetterRedelivery.InLog(_host.Log).Where(IsOpen)
            .GroupBy(d => (d.Data.Consumer, d.Data.Error.Kind))
            .OrderBy(g => g.Key.Consumer, StringComparer.Ordinal).ThenBy(g => g.Key.Kind, StringComparer.Ordinal)
            .Select(g => (JsonNode)new JsonObject
            {
                ["consumer"] = g.Key.Consumer, ["errorKind"] = g.Key.Kind, ["count"] = g.Count(),
                ["consumerGroups"] = new JsonArray([.. g.Select(d => d.Data.ConsumerGroup).Distinct().Order(StringComparer.Ordinal).Select(c => (JsonNode?)c)]),
                ["sourceHubs"] = new JsonArray([.. g.Select(d => d.Data.SourceHub).Distinct().Order(StringComparer.Ordinal).Select(c => (JsonNode?)c)]),
                ["latest"] = g.Max(d => d.Time),
            })]);

    private async Task EventsAsync(HttpContext context)
    {
        var query = EventQuery.Parse(context.Request.Query, _host.Log, out var errors);
        if (query is null)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "The event query is invalid.", errors).ConfigureAwait(false);
            return;
        }

        var (total, page) = query.Run(_host.Log);
        await WriteJsonAsync(context, new JsonObject
        {
            ["total"] = total, ["offset"] = query.Offset, ["limit"] = query.Limit,
            ["items"] = new JsonArray([.. page.Select(m => ToJson(m.Event, m.CloudEvent))]),
        }).ConfigureAwait(false);
    }

    private static async Task SchemaAsync(HttpContext context, string path)
    {
        // Only the catalog's schemas are served: the path is never used to open anything else.
        if (EventCatalog.Current.EventTypes.FirstOrDefault(t => t.Schema == path) is not { } type)
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, $"No event type of schemas/catalog.json has the schema '{path}'.").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/schema+json; charset=utf-8";
        await context.Response.WriteAsync(EmbeddedSchemas.ReadText(type.Schema), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task ContextAsync(HttpContext context, string name)
    {
        if (EventCatalog.Current.Contexts.FirstOrDefault(c => c.Name == name) is not { } info)
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, $"No context '{name}' in schemas/catalog.json.").ConfigureAwait(false);
            return;
        }

        var functions = new JsonArray([.. _host.Functions.Where(f => f.Context == name).OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => (JsonNode)new JsonObject
        {
            ["name"] = f.Name,
            ["trigger"] = f.EventHub is { } e ? $"Event Hubs {e.Hub} ({e.ConsumerGroup})"
                : f.Http is { } h ? $"HTTP {string.Join('|', h.Methods).ToUpperInvariant()} /api/{h.Route}"
                : f.Timer is { } t ? $"timer {t.Schedule}" : "other",
            ["paused"] = _host.IsPaused(f.Name),
        })]);

        // Tables belong to the context whose lowercase name prefixes them (as in replay's state export).
        var tables = new JsonArray();
        var service = new TableServiceClient(_host.Options.StorageConnectionString);
        var others = EventCatalog.Current.Contexts.Select(c => c.Name.ToLowerInvariant()).Where(c => c.Length > name.Length).ToArray();
        foreach (var table in await ReplayExport.ListTablesAsync(service, context.RequestAborted).ConfigureAwait(false))
        {
            if (!table.StartsWith(name, StringComparison.OrdinalIgnoreCase) || others.Any(o => table.StartsWith(o, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var rows = 0;
            await foreach (var _ in service.GetTableClient(table).QueryAsync<TableEntity>(select: ["RowKey"], maxPerPage: 1000, cancellationToken: context.RequestAborted).ConfigureAwait(false))
            {
                if (++rows >= 10_000)
                {
                    break;
                }
            }

            tables.Add(new JsonObject { ["name"] = table, ["rows"] = rows });
        }

        await WriteJsonAsync(context, new JsonObject
        {
            ["name"] = info.Name, ["kind"] = info.Kind, ["description"] = info.Description, ["functions"] = functions, ["tables"] = tables,
            ["consumes"] = new JsonArray([.. EventCatalog.Current.HubsConsumedBy(name).Select(h => (JsonNode?)h.Hub)]),
            ["owns"] = new JsonArray([.. EventCatalog.Current.Domains.Where(d => d.Owner == name).SelectMany(d => d.Streams).Select(s => (JsonNode?)s.Hub)]),
        }).ConfigureAwait(false);
    }

    private async Task RedeliverOneAsync(HttpContext context, string id)
    {
        var letter = DeadLetterRedelivery.InLog(_host.Log).FirstOrDefault(d => d.Id == id);
        if (letter is null)
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, $"No dead letter '{id}'.").ConfigureAwait(false);
            return;
        }

        var result = (await RedeliverAsync([letter], context.RequestAborted).ConfigureAwait(false))[0];
        await WriteJsonAsync(context, ToJson(result, DateTimeOffset.UtcNow)).ConfigureAwait(false);
    }

    private async Task RedeliverGroupAsync(HttpContext context, string consumer, string errorKind)
    {
        if (consumer.Length == 0 && errorKind.Length == 0)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "Redelivering a group needs a filter.", new Dictionary<string, string[]>
            {
                ["consumer"] = ["Give consumer, errorKind or both (redelivering every dead letter at once is not offered)."],
            }).ConfigureAwait(false);
            return;
        }

        var letters = DeadLetters(consumer, errorKind).Where(IsOpen).ToArray();
        if (letters.Length == 0)
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, $"No open dead letter of consumer '{consumer}' with error kind '{errorKind}'.").ConfigureAwait(false);
            return;
        }

        var results = await RedeliverAsync(letters, context.RequestAborted).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        await WriteJsonAsync(context, new JsonObject
        {
            ["redelivered"] = results.Count,
            ["outcomes"] = new JsonObject(results.GroupBy(r => r.Outcome).Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count()))),
            ["stillOpen"] = results.Count(r => IsOpen(r.Letter)),
            ["results"] = new JsonArray([.. results.Select(r => (JsonNode)ToJson(r, now))]),
        }).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<RedeliveryResult>> RedeliverAsync(IReadOnlyList<DeadLetter> letters, CancellationToken ct)
    {
        var results = await DeadLetterRedelivery.RedeliverAsync(_host, letters, ct).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        foreach (var result in results)
        {
            _lastRedelivery[result.Letter.Id] = result;
            _redeliveries.Enqueue((now, result));
        }

        while (_redeliveries.Count > RedeliveryLogSize && _redeliveries.TryDequeue(out _))
        {
        }

        return results;
    }

    /// <summary>
    /// Server-Sent Events: <c>overview</c> now and after every change of the log, a checkpoint or a pause (checked every
    /// 250 ms), and <c>sample</c> with every new point of the live charts.
    /// </summary>
    private async Task LiveAsync(HttpContext context, CancellationToken stopping)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = both.Token;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        string? last = null;
        long lastSample = -1;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var overview = Overview().ToJsonString();
                if (overview != last)
                {
                    last = overview;
                    await context.Response.WriteAsync($"event: overview\ndata: {overview}\n\n", ct).ConfigureAwait(false);
                }

                if (Metrics.Latest is { } sample && sample.Sequence != lastSample)
                {
                    lastSample = sample.Sequence;
                    await context.Response.WriteAsync($"event: sample\ndata: {ExplorerMetrics.ToJson(sample).ToJsonString()}\n\n", ct).ConfigureAwait(false);
                }

                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                await Task.Delay(250, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away or the host stops.
        }
    }

    private static JsonObject ToJson(StoredEvent e, JsonObject? cloudEvent)
    {
        var attributes = new JsonObject();
        if (cloudEvent is not null)
        {
            foreach (var (name, value) in cloudEvent.Where(p => p.Key is not "data" and not "data_base64"))
            {
                attributes[name] = value?.DeepClone();
            }
        }

        var type = cloudEvent?["type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
        var schema = type is null ? null : EventCatalog.Current.EventTypes.FirstOrDefault(x => x.Type == type)?.Schema;
        return new JsonObject
        {
            ["hub"] = e.Hub, ["partition"] = e.PartitionId, ["sequenceNumber"] = e.SequenceNumber, ["partitionKey"] = e.PartitionKey,
            ["enqueuedTime"] = e.EnqueuedTime, ["attributes"] = attributes,
            ["data"] = cloudEvent?["data"]?.DeepClone(),
            ["text"] = cloudEvent is null ? Encoding.UTF8.GetString(e.Body) : null,
            ["schema"] = schema is null ? null : Api + "schemas/" + schema,
        };
    }

    private JsonNode ToJson(DeadLetter d)
    {
        var original = EventQuery.ParseObject(d.OriginalBody);
        var last = _lastRedelivery.GetValueOrDefault(d.Id);
        return new JsonObject
        {
            ["id"] = d.Id, ["time"] = d.Time, ["consumer"] = d.Data.Consumer, ["consumerGroup"] = d.Data.ConsumerGroup, ["source"] = d.Source,
            ["errorKind"] = d.Data.Error.Kind, ["error"] = d.Data.Error.Message, ["body"] = Encoding.UTF8.GetString(d.OriginalBody),
            ["subject"] = original?["subject"] is JsonValue v && v.TryGetValue<string>(out var subject) ? subject : null,
            ["open"] = IsOpen(d), ["lastOutcome"] = last?.Outcome,
        };
    }

    private static JsonObject ToJson(RedeliveryResult r, DateTimeOffset time) => new()
    {
        ["id"] = r.Letter.Id, ["time"] = time, ["consumer"] = r.Letter.Data.Consumer, ["errorKind"] = r.Letter.Data.Error.Kind,
        ["source"] = r.Letter.Source, ["outcome"] = r.Outcome, ["function"] = r.Function, ["processed"] = r.Processed,
        ["duplicates"] = r.Duplicates, ["deadLettered"] = r.DeadLettered, ["emitted"] = r.Emitted,
    };

    private static async Task WriteJsonAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>An RFC 9457 problem-details body (<c>errors</c> lists each invalid parameter, as ASP.NET Core's validation problems do).</summary>
    private static async Task ProblemAsync(HttpContext context, int status, string title, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json; charset=utf-8";
        var body = new JsonObject
        {
            ["type"] = status == StatusCodes.Status400BadRequest ? "https://tools.ietf.org/html/rfc9110#section-15.5.1" : "https://tools.ietf.org/html/rfc9110#section-15.5.5",
            ["title"] = title,
            ["status"] = status,
        };
        if (errors is not null)
        {
            body["errors"] = new JsonObject(errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)new JsonArray([.. e.Value.Select(m => (JsonNode?)m)]))));
        }

        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
