using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Store.LocalHost.EventLog;
using Store.LocalHost.Functions;
using Store.LocalHost.Hosting;
using Store.LocalHost.Http;
using Store.LocalHost.Tracing;
using Store.TestSupport;

namespace Store.LocalHost.Demo;

/// <summary>The arguments of <c>demo</c>.</summary>
public sealed record DemoOptions(int Port, bool Serve, int Seed, int Orders)
{
    /// <summary>Injected faults (publish and Table failures reach the HTTP functions too).</summary>
    public FaultOptions Faults { get; init; } = FaultOptions.None;

    /// <summary>Wall-clock seconds per second of the timer schedules and relay thresholds (0.05: the relay runs every 3 s and publishes outboxes pending for 3 s).</summary>
    public double TimerTimeScale { get; init; } = 0.05;
}

/// <summary>
/// The default command: runs every context, drives a seeded store scenario through the HTTP functions (stock receipts,
/// orders over many customers incl. ones that exceed stock or the payment limit, cancellations, invalid requests,
/// malformed events written straight to hubs), lets Loyalty join late and catch up from the start, and prints a summary.
/// </summary>
public static class DemoCommand
{
    /// <summary>Runs the demo; returns the exit code.</summary>
    public static async Task<int> RunAsync(DemoOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        // In process, as an OpenTelemetry exporter would: the kit's spans and the host's HTTP server spans, for one order's trace.
        using var traces = new TraceRecorder();
        Process? azurite = null;
        WebApplication? kestrel = null;
        LocalFunctionsHost? host = null;
        try
        {
            await output.WriteLineAsync("Local host: finding or starting Azurite...").ConfigureAwait(false);
            var storage = await Azurite.EnsureRunningAsync(p => azurite = p).ConfigureAwait(false);
            await output.WriteLineAsync(azurite is null ? "  using the Azurite that is already running" : $"  started Azurite (pid {azurite.Id}, in memory)").ConfigureAwait(false);

            var outage = options.Faults.PublishFail > 0 || options.Faults.TableFail > 0;
            host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(storage)
            {
                Error = error,
                RetryDelayScale = 0.1,
                TimerTimeScale = options.TimerTimeScale,
                Faults = options.Faults,
                Seed = options.Seed,
                LogRetries = !outage,
                ContextLogLevel = outage ? Microsoft.Extensions.Logging.LogLevel.Critical : Microsoft.Extensions.Logging.LogLevel.Error,
            }, ct).ConfigureAwait(false);
            host.StartTimers();
            await output.WriteLineAsync($"  host.json: {host.Options.HostSettings}").ConfigureAwait(false);
            if (options.Faults.Any)
            {
                await output.WriteLineAsync($"  injected faults: {options.Faults} (seed {options.Seed}); timers and relay thresholds at {options.TimerTimeScale}x wall time").ConfigureAwait(false);
            }
            foreach (var app in host.Apps)
            {
                await output.WriteLineAsync($"  {app.Name}: {(app.Functions.Count == 0 ? "(no functions found)" : string.Join("; ", app.Functions))}").ConfigureAwait(false);
            }

            try
            {
                kestrel = await KestrelFrontEnd.StartAsync(host, options.Port, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"  HTTP functions on http://localhost:{options.Port}/api/ ({string.Join(", ", host.Http.Describe())})").ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                if (options.Serve)
                {
                    await error.WriteLineAsync($"error: cannot listen on port {options.Port}: {ex.Message} (choose another with --port).").ConfigureAwait(false);
                    return 1;
                }

                await error.WriteLineAsync($"warning: port {options.Port} is busy ({ex.Message}); the demo calls the HTTP functions in process only.").ConfigureAwait(false);
            }

            var scenario = new DemoScenario(host, options, output, kestrel is null ? null : $"http://localhost:{options.Port}", traces);
            await scenario.RunAsync(ct).ConfigureAwait(false);
            await scenario.PrintSummaryAsync(wall.Elapsed, ct).ConfigureAwait(false);

            if (options.Serve && kestrel is not null)
            {
                await output.WriteLineAsync($"Serving http://localhost:{options.Port}/api/ until Ctrl+C (e.g. curl http://localhost:{options.Port}/api/orders/<id>).").ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }

            return host.Stats.Any(s => s.Failed > 0) ? 1 : 0;
        }
        finally
        {
            if (kestrel is not null)
            {
                await kestrel.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await kestrel.DisposeAsync().ConfigureAwait(false);
            }

            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            Azurite.Stop(azurite);
        }
    }
}

/// <summary>The seeded scenario and its summary.</summary>
internal sealed class DemoScenario
{
    private const int Skus = 30;
    private const int Customers = 60;
    private readonly LocalFunctionsHost _host;
    private readonly DemoOptions _options;
    private readonly TextWriter _out;
    private readonly string? _baseUrl;
    private readonly TraceRecorder? _traces;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, long> _accepted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _started = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _reflected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unavailable = new(StringComparer.Ordinal);
    private IReadOnlyList<OutboxCount> _outboxes = [];
    private int _unexpected;
    private readonly List<string> _skus = [.. Enumerable.Range(1, Skus).Select(i => $"SKU-{i:000}")];

    public DemoScenario(LocalFunctionsHost host, DemoOptions options, TextWriter output, string? baseUrl, TraceRecorder? traces = null)
    {
        _traces = traces;
        _host = host;
        _options = options;
        _out = output;
        _baseUrl = baseUrl;
        _random = new Random(options.Seed);
        host.BatchCompleted += OnBatchCompleted;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        _host.StartConsumers(c => c != "Loyalty");
        await _out.WriteLineAsync($"Scenario (seed {_options.Seed}): {Skus} SKUs, {_options.Orders} orders over {Customers} customers; Loyalty joins late.").ConfigureAwait(false);

        // 1. Goods receipts, the first few over real HTTP to show Kestrel serving the same functions.
        var receipts = _skus.Select((sku, i) => (Path: "/api/stock/receipts", Json: $$"""{"receiptId":"R-{{i + 1:000}}","sku":"{{sku}}","quantity":{{_random.Next(20, 160)}}}""")).ToList();
        await RunAllAsync(receipts, viaHttpFirst: 3, ct).ConfigureAwait(false);
        await _host.WaitForQuiescenceAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);

        // 2. Invalid requests: every error is listed in the 400 problem details.
        await InvalidRequestsAsync(ct).ConfigureAwait(false);

        // 3. Orders (most of them), then malformed and unknown events written straight to hubs, then cancellations.
        var orders = Enumerable.Range(1, _options.Orders).Select(NewOrder).ToList();
        var early = (int)(orders.Count * 0.8);
        await RunAllAsync(orders.Take(early).ToList(), viaHttpFirst: 2, ct).ConfigureAwait(false);
        WriteBadEvents();
        await CancelAsync(orders.Take(early).Select(o => o.Id).ToList(), count: Math.Max(3, early / 12), ct).ConfigureAwait(false);
        await _host.WaitForQuiescenceAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);

        // 4. Loyalty is the new requirement: its consumer groups start now and read every stream from the start.
        var before = _host.Log.TotalEvents;
        await _out.WriteLineAsync($"Loyalty joins after {before} events exist; its consumer groups start from the beginning of the streams.").ConfigureAwait(false);
        _host.StartConsumers(c => c == "Loyalty");
        await RunAllAsync(orders.Skip(early).ToList(), viaHttpFirst: 0, ct).ConfigureAwait(false);
        await CancelAsync(orders.Skip(early).Select(o => o.Id).ToList(), count: 3, ct).ConfigureAwait(false);
        await _host.WaitForQuiescenceAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);

        // Outboxes whose publish failed (e.g. an order answered 503 whose client never retried) are the relay's: wait until
        // it has published and cleared every one of them.
        _outboxes = await OutboxSettling.SettleAsync(_host, token => _host.WaitForQuiescenceAsync(TimeSpan.FromMinutes(5), token), untilIndexEmpty: false, TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
    }

    public async Task PrintSummaryAsync(TimeSpan wall, CancellationToken ct)
    {
        var o = _out;
        await o.WriteLineAsync().ConfigureAwait(false);
        await o.WriteLineAsync("=== Summary ===").ConfigureAwait(false);
        await o.WriteLineAsync("HTTP answers: " + string.Join(", ", _answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}"))).ConfigureAwait(false);
        await o.WriteLineAsync($"{"context",-14} {"processed",9} {"emitted",8} {"dead-lettered",13} {"retried",7} {"failed",6} {"duplicates",10}").ConfigureAwait(false);
        foreach (var s in _host.Stats)
        {
            await o.WriteLineAsync($"{s.Context,-14} {s.Processed,9} {s.Emitted,8} {s.DeadLettered,13} {s.Retried,7} {s.Failed,6} {s.Duplicates,10}").ConfigureAwait(false);
        }

        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Outbox relay: {_host.Stats.Sum(s => s.RelayRuns)} runs, published {_host.Stats.Sum(s => s.RelayPublished)} events ({string.Join(", ", _host.Stats.Where(s => s.RelayPublished > 0).Select(s => $"{s.Context} {s.RelayPublished}"))}); " +
            $"{_host.Stats.Sum(s => s.RelayAlsoPublishedLive)} of them were also published by a live invocation (same id, dropped by consumers)")).ConfigureAwait(false);
        await o.WriteLineAsync($"Rows holding a pending outbox at the end: {_outboxes.Sum(c => c.PendingRows)} (markers {_outboxes.Sum(c => c.Markers)}, partitions still indexed {_outboxes.Sum(c => c.IndexRows)})").ConfigureAwait(false);
        if (_host.Options.Faults.Any)
        {
            await o.WriteLineAsync($"Injected: {_host.Stats.Sum(s => s.InjectedPublishFailures)} publish failures, {_host.Stats.Sum(s => s.InjectedTableFailures)} Table failures, {_host.Stats.Sum(s => s.InjectedCrashes)} crashes, {_host.Stats.Sum(s => s.InjectedDuplicates)} duplicate deliveries").ConfigureAwait(false);
        }

        // Re-publishes of an outbox (at-least-once) carry the same ids; the distinct count is what consumers keep.
        await o.WriteLineAsync("Events per hub (distinct ids): " + string.Join(", ", _host.Log.Hubs.Select(h =>
        {
            var all = _host.Log.ReadAll(h);
            return $"{h} {all.Count} ({all.Select(e => e.MessageId ?? $"{e.PartitionId}/{e.SequenceNumber}").Distinct(StringComparer.Ordinal).Count()})";
        }))).ConfigureAwait(false);
        await PrintStockAsync(ct).ConfigureAwait(false);
        await PrintStatusesAsync(ct).ConfigureAwait(false);

        var latencies = _reflected
            .Where(r => _accepted.ContainsKey(r.Key))
            .Select(r => Stopwatch.GetElapsedTime(_accepted[r.Key], r.Value).TotalMilliseconds)
            .Order()
            .ToArray();
        await o.WriteLineAsync(latencies.Length == 0
            ? "End-to-end latency: no accepted order was seen by Tracking."
            : string.Create(CultureInfo.InvariantCulture,
                $"End-to-end latency, HTTP accept -> Tracking view has the order ({latencies.Length} orders): p50 {Percentile(latencies, 0.50):0} ms, p90 {Percentile(latencies, 0.90):0} ms, p99 {Percentile(latencies, 0.99):0} ms, max {latencies[^1]:0} ms")).ConfigureAwait(false);
        await PrintOrderTraceAsync().ConfigureAwait(false);
        var failed = _host.Stats.Sum(s => s.Failed);
        if (failed > 0)
        {
            await o.WriteLineAsync($"!!! {failed} invocation(s) FAILED after retries (see the errors above).").ConfigureAwait(false);
        }

        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Total wall time: {wall.TotalSeconds:0.0} s")).ConfigureAwait(false);
    }

    /// <summary>One shipped order's trace across contexts: the ingress server span and every consumer span parented to the events' trace context.</summary>
    private async Task PrintOrderTraceAsync()
    {
        if (_traces is null)
        {
            return;
        }

        var traceId = _traces.MostCompleteTrace("fulfillment.shipment-requested.v1", "Sales", "Inventory", "Payments", "Fulfillment", "Tracking");
        if (traceId is null)
        {
            await _out.WriteLineAsync("Trace of one order: no shipped order's trace reached Sales, Inventory, Payments, Fulfillment and Tracking.").ConfigureAwait(false);
            return;
        }

        var spans = _traces.Trace(traceId);
        var order = spans.Select(s => s.Subject).FirstOrDefault(s => s is not null) ?? "?";
        await _out.WriteLineAsync($"Trace of shipped order {order} across contexts (trace id {traceId}, {spans.Count} spans; offsets from the HTTP request):").ConfigureAwait(false);
        await TraceRecorder.WriteAsync(spans, _out).ConfigureAwait(false);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private (string Path, string Json, string Id) NewOrder(int n)
    {
        var id = $"O-{n:0000}";
        var customer = $"C-{_random.Next(1, Customers + 1):000}";
        var roll = _random.NextDouble();
        var lines = new List<string>();
        var lineCount = _random.Next(1, 4);
        foreach (var sku in _skus.OrderBy(_ => _random.Next()).Take(lineCount))
        {
            // Mostly small quantities; a few orders ask for more than the stock holds (rejected), a few are expensive (declined).
            var quantity = roll < 0.06 ? _random.Next(150, 400) : _random.Next(1, 4);
            var price = roll is >= 0.06 and < 0.12 ? _random.Next(2000, 4000) : _random.Next(5, 300);
            lines.Add($$"""{"sku":"{{sku}}","quantity":{{quantity}},"unitPrice":{{price}}.{{_random.Next(0, 100):00}}}""");
        }

        var currency = roll is >= 0.12 and < 0.15 ? "JPY" : "EUR";
        return ("/api/orders", $$"""{"orderId":"{{id}}","customerId":"{{customer}}","lines":[{{string.Join(',', lines)}}],"currency":"{{currency}}"}""", id);
    }

    private async Task RunAllAsync(List<(string Path, string Json)> requests, int viaHttpFirst, CancellationToken ct)
    {
        for (var i = 0; i < Math.Min(viaHttpFirst, requests.Count); i++)
        {
            await SendAsync("POST", requests[i].Path, requests[i].Json, viaHttp: true, ct).ConfigureAwait(false);
        }

        await Parallel.ForEachAsync(requests.Skip(viaHttpFirst), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (r, token) => await SendAsync("POST", r.Path, r.Json, viaHttp: false, token).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private Task RunAllAsync(List<(string Path, string Json, string Id)> orders, int viaHttpFirst, CancellationToken ct) =>
        RunAllAsync(orders.Select(o => (o.Path, o.Json)).ToList(), viaHttpFirst, ct);

    private async Task<HttpResult> SendAsync(string method, string path, string? json, bool viaHttp, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        string? orderId = null;
        if (method == "POST" && path == "/api/orders" && json is not null)
        {
            // Known before sending: Tracking may see the order before the 202 is back.
            orderId = OrderIdOfRequest(json);
            if (orderId is not null)
            {
                _started.TryAdd(orderId, started);
            }
        }

        HttpResult result;
        if (viaHttp && _baseUrl is not null)
        {
            using var client = new HttpClient { BaseAddress = new Uri(_baseUrl) };
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            result = new HttpResult(response.StatusCode, [new("Content-Type", response.Content.Headers.ContentType?.ToString() ?? ""), .. response.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(",", h.Value)))], body);
        }
        else
        {
            result = await _host.Http.SendJsonAsync(method, path, json, ct).ConfigureAwait(false);
        }

        var count = _answers.AddOrUpdate($"{method} {Normalize(path)} {(int)result.StatusCode}", 1, (_, n) => n + 1);
        if (result.StatusCode == HttpStatusCode.BadRequest && json is not null && json.Contains("\"orderId\":\"O-", StringComparison.Ordinal) && Interlocked.Increment(ref _unexpected) <= 2)
        {
            await _out.WriteLineAsync($"  400 for {Shorten(json, 200)}: {Shorten(result.Text, 300)}").ConfigureAwait(false);
        }

        if (orderId is not null && result.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.Created)
        {
            _accepted.TryAdd(orderId, started);
        }
        else if (orderId is not null && result.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            // No client retry on purpose: if the order was committed, the outbox relay publishes it.
            _unavailable.TryAdd(orderId, 0);
        }

        if (result.StatusCode == HttpStatusCode.ServiceUnavailable && !result.Headers.Any(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)))
        {
            _answers.AddOrUpdate("503 without Retry-After", 1, (_, n) => n + 1);
        }

        return result;
    }

    private static string Normalize(string path) =>
        path.StartsWith("/api/orders/", StringComparison.Ordinal) ? "/api/orders/{id}" + (path.EndsWith("/cancel", StringComparison.Ordinal) ? "/cancel" : "") : path;

    private async Task InvalidRequestsAsync(CancellationToken ct)
    {
        var invalid = new[]
        {
            ("/api/orders", """{"orderId":"BAD-1","customerId":"","lines":[],"currency":"euro"}"""),
            ("/api/orders", """{"orderId":"BAD-2","customerId":"C-001","lines":[{"sku":"","quantity":0,"unitPrice":-1}],"currency":"EUR"}"""),
            ("/api/orders", "{ this is not json"),
            ("/api/stock/receipts", """{"receiptId":"","sku":"SKU-001","quantity":0}"""),
        };
        foreach (var (path, json) in invalid)
        {
            var result = await SendAsync("POST", path, json, viaHttp: false, ct).ConfigureAwait(false);
            await _out.WriteLineAsync($"  invalid POST {path} -> {(int)result.StatusCode} {Shorten(result.Text, 300)}").ConfigureAwait(false);
        }
    }

    private void WriteBadEvents()
    {
        // Written straight to hubs, as a misbehaving producer would: each consumer group dead-letters them.
        _host.Log.Append("sales-orders", new EventToAppend("this is not JSON"u8.ToArray(), "O-bad-1"));
        _host.Log.Append("sales-orders", new EventToAppend(Encoding.UTF8.GetBytes(
            """{"specversion":"1.0","id":"demo-unknown-1","source":"/demo","type":"sales.order-teleported.v1","subject":"O-bad-2","time":"2026-01-01T00:00:00Z","data":{"orderId":"O-bad-2"}}"""), "O-bad-2"));
        _host.Log.Append("inventory-stock", new EventToAppend(Encoding.UTF8.GetBytes(
            """{"specversion":"1.0","id":"demo-invalid-1","source":"/demo","type":"inventory.stock-received.v1","subject":"SKU-001","time":"2026-01-01T00:00:00Z","data":{"receiptId":"R-bad","sku":"SKU-001","quantity":-5}}"""), "SKU-001"));
        _host.Log.Append("payments", new EventToAppend("{ \"truncated\": "u8.ToArray(), null));
    }

    private async Task CancelAsync(List<string> orderIds, int count, CancellationToken ct)
    {
        foreach (var id in orderIds.OrderBy(_ => _random.Next()).Take(count))
        {
            await SendAsync("POST", $"/api/orders/{id}/cancel", """{"reason":"customer changed their mind"}""", viaHttp: false, ct).ConfigureAwait(false);
        }

        var unknown = await SendAsync("POST", "/api/orders/O-does-not-exist/cancel", "{}", viaHttp: false, ct).ConfigureAwait(false);
        await _out.WriteLineAsync($"  cancel of an unknown order -> {(int)unknown.StatusCode}").ConfigureAwait(false);
    }

    private void OnBatchCompleted(FunctionDescriptor function, IReadOnlyList<StoredEvent> batch)
    {
        if (function.Context != "Tracking")
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        foreach (var e in batch)
        {
            if (OrderIdOf(e.Body) is { } orderId && _started.ContainsKey(orderId))
            {
                _reflected.TryAdd(orderId, now);
            }
        }
    }

    private static string? OrderIdOfRequest(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("orderId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? OrderIdOf(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("orderId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                return id.GetString();
            }
        }
        catch (JsonException)
        {
            // Malformed events carry no order.
        }

        return null;
    }

    private async Task PrintStockAsync(CancellationToken ct)
    {
        var get = _host.Functions.FirstOrDefault(f => f.Context == "Inventory" && f.Http is { } h && h.Methods.Contains("GET") && h.Route.Contains('{', StringComparison.Ordinal));
        var lines = new List<string>();
        if (get is not null)
        {
            foreach (var sku in _skus)
            {
                var route = "/api/" + System.Text.RegularExpressions.Regex.Replace(get.Http!.Route, @"\{[^}]+\}", sku);
                var result = await ReadAsync(route, ct).ConfigureAwait(false);
                lines.Add($"{sku} {(result.StatusCode == HttpStatusCode.OK ? Numbers(result.Text) : ((int)result.StatusCode).ToString(CultureInfo.InvariantCulture))}");
            }

            await _out.WriteLineAsync($"Stock per SKU (GET /api/{get.Http!.Route}):").ConfigureAwait(false);
        }
        else
        {
            // No query function: read Inventory's own tables.
            var service = new TableServiceClient(_host.Options.StorageConnectionString);
            foreach (var table in await Store.LocalHost.Replay.ReplayExport.ListTablesAsync(service, ct).ConfigureAwait(false))
            {
                if (!table.StartsWith("inventory", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                await foreach (var entity in service.GetTableClient(table).QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
                {
                    if (_skus.Contains(entity.RowKey) || _skus.Contains(entity.PartitionKey))
                    {
                        lines.Add($"{(_skus.Contains(entity.RowKey) ? entity.RowKey : entity.PartitionKey)} {Numbers(entity.GetString("State") ?? "")}");
                    }
                }
            }

            await _out.WriteLineAsync("Stock per SKU (Inventory's tables):").ConfigureAwait(false);
        }

        foreach (var chunk in lines.Order(StringComparer.Ordinal).Chunk(3))
        {
            await _out.WriteLineAsync("  " + string.Join(" | ", chunk.Select(c => c.PadRight(48)))).ConfigureAwait(false);
        }
    }

    private async Task PrintStatusesAsync(CancellationToken ct)
    {
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(_accepted.Keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, token) =>
        {
            var result = await ReadAsync($"/api/orders/{id}", token).ConfigureAwait(false);
            var status = result.StatusCode == HttpStatusCode.OK ? StatusOf(result.Text) : $"HTTP {(int)result.StatusCode}";
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        }).ConfigureAwait(false);
        await _out.WriteLineAsync($"Order statuses (Tracking GET /api/orders/{{id}}, {_accepted.Count} accepted orders): " +
            string.Join(", ", statuses.OrderByDescending(s => s.Value).Select(s => $"{s.Key} {s.Value}"))).ConfigureAwait(false);
        var missing = statuses.Where(s => s.Key.StartsWith("HTTP ", StringComparison.Ordinal)).Sum(s => s.Value);
        await _out.WriteLineAsync(missing == 0
            ? $"Every accepted order reached Tracking ({_accepted.Count} of {_accepted.Count}), with no client retry."
            : $"!!! {missing} accepted order(s) did not reach Tracking.").ConfigureAwait(false);
        if (!_unavailable.IsEmpty)
        {
            // Answered 503: the client was told to retry and did not; those the table had committed were published by the relay.
            var reached = 0;
            foreach (var id in _unavailable.Keys.Where(id => !_accepted.ContainsKey(id)))
            {
                reached += (await ReadAsync($"/api/orders/{id}", ct).ConfigureAwait(false)).StatusCode == HttpStatusCode.OK ? 1 : 0;
            }

            await _out.WriteLineAsync($"Orders answered 503 and never retried: {_unavailable.Keys.Count(id => !_accepted.ContainsKey(id))}; {reached} of them had been committed and reached Tracking through the outbox relay.").ConfigureAwait(false);
        }
    }

    /// <summary>A summary read: the demo itself retries a query answered 503 (storage faults), unlike its order clients.</summary>
    private async Task<HttpResult> ReadAsync(string path, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await _host.Http.SendJsonAsync("GET", path, null, ct).ConfigureAwait(false);
            if (result.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 50)
            {
                return result;
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    private static string StatusOf(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (string.Equals(property.Name, "status", StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            return "(no status field)";
        }
        catch (JsonException)
        {
            return "(not JSON)";
        }
    }

    /// <summary>The numeric fields of a JSON object, compactly ("available 12, reserved 3").</summary>
    private static string Numbers(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Shorten(json, 60);
            }

            return string.Join(", ", doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).Select(p => $"{p.Name} {p.Value.GetRawText()}"));
        }
        catch (JsonException)
        {
            return Shorten(json, 60);
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "...";
}
