namespace Store.LocalHost.Demo;

/// <summary>The seeded scenario: what it sends and what it measures (its summary is in DemoReport.cs).</summary>
internal sealed partial class DemoScenario
{
    private const int Skus = 30;
    private const int Customers = 60;
    private readonly LocalFunctionsHost _host;
    // Events each partition keeps live when Loyalty joins; the rest is only in the capture archive.
    private const int DemoRetainPerPartition = 5;
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

        // 4. Loyalty is the new requirement: its consumer groups start now and read every stream from the start. By now
        // retention has moved all but the last few events of every partition into the capture archive, so Loyalty
        // bootstraps from the archive first (Archive/LateStart.cs).
        var before = _host.Log.TotalEvents;
        await _out.WriteLineAsync($"Loyalty joins after {before} events exist; its consumer groups start from the beginning of the streams.").ConfigureAwait(false);
        var late = new LateStart(_host, Path.Combine(Path.GetTempPath(), $"store-demo-{Environment.ProcessId}", "capture"), retain: DemoRetainPerPartition, ["Loyalty"]);
        await late.ApplyRetentionAsync(_out).ConfigureAwait(false);
        _host.StartConsumers(c => c == "Loyalty");
        await RunAllAsync(orders.Skip(early).ToList(), viaHttpFirst: 0, ct).ConfigureAwait(false);
        await CancelAsync(orders.Skip(early).Select(o => o.Id).ToList(), count: 3, ct).ConfigureAwait(false);
        await _host.WaitForQuiescenceAsync(TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
        await late.ReportBootstrapAsync(_out).ConfigureAwait(false);

        // Outboxes whose publish failed (e.g. an order answered 503 whose client never retried) are the relay's: wait until
        // it has published and cleared every one of them.
        _outboxes = await OutboxSettling.SettleAsync(_host, token => _host.WaitForQuiescenceAsync(TimeSpan.FromMinutes(5), token), untilIndexEmpty: false, TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
    }

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
        // Three orders in four give a shipping address (order-placed v2 carries it to the shipment); the rest ship to the
        // address on file (shippingAddress null). Derived from n, so the random sequence of the scenario is unchanged.
        var address = n % 4 == 0 ? "" : $$""","shippingAddress":{"recipient":"Customer {{customer}}","line1":"{{n}} Harbour Street","city":"{{Cities[n % Cities.Length]}}","postalCode":"{{10000 + n}}","country":"{{Countries[n % Countries.Length]}}"}""";
        return ("/api/orders", $$"""{"orderId":"{{id}}","customerId":"{{customer}}","lines":[{{string.Join(',', lines)}}],"currency":"{{currency}}"{{address}}}""", id);
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

    private static readonly string[] Cities = ["Bonn", "Lyon", "Porto", "Graz", "Gent"];
    private static readonly string[] Countries = ["DE", "FR", "PT", "AT", "BE"];

    private async Task InvalidRequestsAsync(CancellationToken ct)
    {
        var invalid = new[]
        {
            ("/api/orders", """{"orderId":"BAD-3","customerId":"C-001","lines":[{"sku":"SKU-001","quantity":1,"unitPrice":1}],"currency":"EUR","shippingAddress":{"recipient":"A","line1":"","city":"Bonn","country":"Germany"}}"""),
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

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "...";
}
