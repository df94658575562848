namespace Store.LocalHost.Demo;

/// <summary>The scenario's summary: counters per context, events per hub, stock, order statuses, latency and one order's trace.</summary>
internal sealed partial class DemoScenario
{
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
        await PrintShipmentAddressesAsync().ConfigureAwait(false);

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

    /// <summary>Where the shipments go: the address the order gave (order-placed v2 carries it through Fulfillment) or the address on file.</summary>
    private async Task PrintShipmentAddressesAsync()
    {
        var shipments = _host.Log.ReadAll("fulfillment-shipments")
            .Select(e => JsonNode.Parse(e.Body) as JsonObject)
            .Where(b => (string?)b?["type"] == "fulfillment.shipment-requested.v1")
            .DistinctBy(b => (string?)b!["id"], StringComparer.Ordinal)
            .ToList();
        var addressed = shipments.Count(b => b!["data"]?["shippingAddress"] is JsonObject);
        await _out.WriteLineAsync($"Shipments requested: {shipments.Count}; {addressed} to the address given with the order, {shipments.Count - addressed} to the address on file.").ConfigureAwait(false);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private async Task PrintStockAsync(CancellationToken ct)
    {
        // Inventory's query function (GET /api/stock/{sku}), found by its trigger rather than named here.
        var get = _host.Functions.FirstOrDefault(f => f.Context == "Inventory" && f.Http is { } h && h.Methods.Contains("GET") && h.Route.Contains('{', StringComparison.Ordinal))
            ?? throw new InvalidOperationException("Inventory has no GET function with a route parameter (its stock query); the summary reads stock through it.");
        var lines = new List<string>();
        foreach (var sku in _skus)
        {
            var route = "/api/" + System.Text.RegularExpressions.Regex.Replace(get.Http!.Route, @"\{[^}]+\}", sku);
            var result = await ReadAsync(route, ct).ConfigureAwait(false);
            lines.Add($"{sku} {(result.StatusCode == HttpStatusCode.OK ? Numbers(result.Text) : ((int)result.StatusCode).ToString(CultureInfo.InvariantCulture))}");
        }

        await _out.WriteLineAsync($"Stock per SKU (GET /api/{get.Http!.Route}):").ConfigureAwait(false);
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
}
