namespace Store.LocalHost.Tests.Explorer;

/// <summary>The explorer's page and JSON API over Kestrel, with every context running: what the page shows, scripts read too; bad input gets 400 problem details.</summary>
public sealed class ExplorerApiTests
{
    [Fact]
    public async Task Api_ShowsTopologyEventsLagDeadLettersAndTrace_FiltersAndPages_RedeliversOneOrAGroup_PausesAConsumer_AndSamplesCharts()
    {
        var ct = CancellationToken.None;
        await using var azurite = await FreshAzurite.StartAsync(ct);
        var errors = new StringWriter();
        await using var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(azurite.ConnectionString) { RetryDelayScale = 0.001, Error = TextWriter.Synchronized(errors) }, ct);
        using var traces = new TraceRecorder(host.InstanceId);
        host.StartConsumers();
        var port = Shutdown.LocalHostProcess.FreePort();
        var kestrelExplorer = new EventExplorer(host, traces);
        await using var kestrel = await KestrelFrontEnd.StartAsync(host, port, ct, kestrelExplorer);
        using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };

        // The page: self-contained (no CDN, no external script or style).
        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("Store event explorer", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", page, StringComparison.Ordinal);

        // Live: the first Server-Sent Event is the overview with the catalog's topology.
        using (var live = new StreamReader(await client.GetStreamAsync(new Uri("/explorer/api/live", UriKind.Relative))))
        {
            Assert.Equal("event: overview", await live.ReadLineAsync());
            var data = (await live.ReadLineAsync())!;
            using var overview = JsonDocument.Parse(data["data: ".Length..]);
            Assert.Equal(EventCatalog.Current.Streams.Count(), overview.RootElement.GetProperty("topology").GetArrayLength());
        }

        var orderId = $"EXP-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(new Uri("/api/stock/receipts", UriKind.Relative), Json("""{"receiptId":"R-EXP","sku":"SKU-EXP","quantity":5}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(new Uri("/api/orders", UriKind.Relative),
            Json($$"""{"orderId":"{{orderId}}","customerId":"C-1","lines":[{"sku":"SKU-EXP","quantity":1,"unitPrice":3.5}],"currency":"EUR"}"""))).StatusCode);
        host.Log.Append("sales-orders", new EventToAppend("this is not JSON"u8.ToArray(), "EXP-bad"));
        await host.WaitForQuiescenceAsync(TimeSpan.FromSeconds(60), ct);

        using (var overview = await GetAsync(client, "/explorer/api/overview"))
        {
            var consumers = overview.RootElement.GetProperty("consumers").EnumerateArray().ToArray();
            Assert.Equal(host.Functions.Count(f => f.EventHub is not null), consumers.Length);
            Assert.All(consumers, c => Assert.Equal(0, c.GetProperty("lag").GetInt64()));
            var sales = overview.RootElement.GetProperty("hubs").EnumerateArray().Single(h => h.GetProperty("hub").GetString() == "sales-orders");
            Assert.Equal(host.Log.ReadAll("sales-orders").Count, sales.GetProperty("events").GetInt64());
        }

        using (var events = await GetAsync(client, $"/explorer/api/events?q={orderId}"))
        {
            var placed = events.RootElement.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("attributes").GetProperty("type").GetString() == "sales.order-placed.v2");
            Assert.Equal(orderId, placed.GetProperty("attributes").GetProperty("subject").GetString());
            Assert.Equal(orderId, placed.GetProperty("data").GetProperty("orderId").GetString());
            Assert.Equal("sales-orders", placed.GetProperty("hub").GetString());
            Assert.Equal("/explorer/api/schemas/sales/order-placed.v2.json", placed.GetProperty("schema").GetString());
        }

        // Server-side filters: type, order id (subject or data.orderId), hub and partition, time; newest first, paged.
        using (var byOrder = await GetAsync(client, $"/explorer/api/events?order={orderId}&limit=500"))
        {
            var types = byOrder.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("attributes").GetProperty("type").GetString()).ToHashSet();
            Assert.Contains("sales.order-placed.v2", types);
            Assert.Contains("payments.payment-authorized.v1", types);
            Assert.Equal(byOrder.RootElement.GetProperty("total").GetInt32(), byOrder.RootElement.GetProperty("items").GetArrayLength());
        }

        var salesTotal = host.Log.ReadAll("sales-orders").Count;
        using (var first = await GetAsync(client, "/explorer/api/events?hub=sales-orders&limit=1"))
        using (var second = await GetAsync(client, "/explorer/api/events?hub=sales-orders&limit=1&offset=1"))
        {
            Assert.Equal(salesTotal, first.RootElement.GetProperty("total").GetInt32());
            var (a, b) = (first.RootElement.GetProperty("items")[0], second.RootElement.GetProperty("items")[0]);
            Assert.True(a.GetProperty("enqueuedTime").GetDateTimeOffset() >= b.GetProperty("enqueuedTime").GetDateTimeOffset());
            Assert.NotEqual(a.GetProperty("partition").GetString() + a.GetProperty("sequenceNumber"), b.GetProperty("partition").GetString() + b.GetProperty("sequenceNumber"));
        }

        var partition = host.Log.ReadAll("sales-orders").First(e => e.PartitionKey == orderId).PartitionId;
        using (var inPartition = await GetAsync(client, $"/explorer/api/events?hub=sales-orders&partition={partition}&type=sales.order-placed.v2&subject={orderId[..8]}&limit=500"))
        {
            Assert.All(inPartition.RootElement.GetProperty("items").EnumerateArray(), e => Assert.Equal(partition, e.GetProperty("partition").GetString()));
            Assert.Contains(inPartition.RootElement.GetProperty("items").EnumerateArray(), e => e.GetProperty("attributes").GetProperty("subject").GetString() == orderId);
        }

        using (var future = await GetAsync(client, $"/explorer/api/events?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture))}"))
        {
            Assert.Equal(0, future.RootElement.GetProperty("total").GetInt32());
        }

        // Bad input: 400 problem details naming every bad parameter.
        var bad = await client.GetAsync(new Uri("/explorer/api/events?hub=nope&partition=9&limit=0&offset=-1&from=yesterday", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()))
        {
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal(["from", "hub", "limit", "offset", "partition"], problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }

        var backwards = await client.GetAsync(new Uri("/explorer/api/events?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("\"to\"", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Schemas: only the catalog's, as JSON Schema.
        using (var schema = await GetAsync(client, "/explorer/api/schemas/sales/order-placed.v1.json"))
        {
            Assert.Equal("sales.order-placed.v1", schema.RootElement.GetProperty("title").GetString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/explorer/api/schemas/sales/..%2Fcatalog.json", UriKind.Relative))).StatusCode);

        // A context: its functions and its own state tables.
        using (var inventory = await GetAsync(client, "/explorer/api/contexts/Inventory"))
        {
            Assert.Contains(inventory.RootElement.GetProperty("functions").EnumerateArray(), f => f.GetProperty("trigger").GetString()!.StartsWith("HTTP POST /api/stock/receipts", StringComparison.Ordinal));
            var tables = inventory.RootElement.GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray();
            Assert.NotEmpty(tables);
            Assert.All(tables, t => Assert.StartsWith("inventory", t, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(["inventory-stock", "inventory-shards"], inventory.RootElement.GetProperty("owns").EnumerateArray().Select(h => h.GetString()));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/explorer/api/contexts/Nobody", UriKind.Relative))).StatusCode);

        using (var trace = await GetAsync(client, $"/explorer/api/trace/{orderId}"))
        {
            var contexts = trace.RootElement.EnumerateArray().Select(s => s.GetProperty("context").GetString()).ToHashSet();
            Assert.Contains("Sales", contexts);
            Assert.Contains("Tracking", contexts);
        }

        // The malformed event is dead-lettered by every consumer group of sales-orders; redelivering one fails again under the same id.
        string id;
        int before;
        using (var letters = await GetAsync(client, "/explorer/api/deadletters"))
        {
            var all = letters.RootElement.EnumerateArray().ToArray();
            before = all.Length;
            var letter = all.First(d => d.GetProperty("body").GetString() == "this is not JSON");
            Assert.StartsWith("sales-orders/", letter.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(letter.GetProperty("error").GetString()));
            id = letter.GetProperty("id").GetString()!;
        }

        var redelivered = await client.PostAsync(new Uri($"/explorer/api/deadletters/{Uri.EscapeDataString(id)}/redeliver", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        using (var result = JsonDocument.Parse(await redelivered.Content.ReadAsStringAsync()))
        {
            Assert.Equal("dead-lettered again", result.RootElement.GetProperty("outcome").GetString());
        }

        await host.WaitForQuiescenceAsync(TimeSpan.FromSeconds(60), ct);
        using (var letters = await GetAsync(client, "/explorer/api/deadletters"))
        {
            Assert.Equal(before, letters.RootElement.GetArrayLength());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(new Uri("/explorer/api/deadletters/nope/redeliver", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/explorer/api/nothing", UriKind.Relative))).StatusCode);

        // A group (consumer and error kind) of dead letters whose bug is fixed: redelivered as one, it empties.
        FixedBugDeadLetters.Write(host, orderId);
        var group = $"consumer={FixedBugDeadLetters.Consumer}&errorKind={FixedBugDeadLetters.Kind}";
        using (var groups = await GetAsync(client, "/explorer/api/deadletters/groups"))
        {
            var fixedGroup = groups.RootElement.EnumerateArray().Single(g => g.GetProperty("consumer").GetString() == FixedBugDeadLetters.Consumer && g.GetProperty("errorKind").GetString() == FixedBugDeadLetters.Kind);
            Assert.Equal(1, fixedGroup.GetProperty("count").GetInt32());
            Assert.Contains(groups.RootElement.EnumerateArray(), g => g.GetProperty("errorKind").GetString() == "malformed-json");
        }

        var noFilter = await client.PostAsync(new Uri("/explorer/api/deadletters/redeliver", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.BadRequest, noFilter.StatusCode);
        Assert.Equal("application/problem+json", noFilter.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(new Uri("/explorer/api/deadletters/redeliver?consumer=Nobody", UriKind.Relative), null)).StatusCode);

        var redeliveredGroup = await client.PostAsync(new Uri($"/explorer/api/deadletters/redeliver?{group}", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, redeliveredGroup.StatusCode);
        using (var result = JsonDocument.Parse(await redeliveredGroup.Content.ReadAsStringAsync()))
        {
            Assert.Equal(1, result.RootElement.GetProperty("redelivered").GetInt32());
            Assert.Equal(0, result.RootElement.GetProperty("stillOpen").GetInt32());
            Assert.Equal("processed", result.RootElement.GetProperty("results")[0].GetProperty("outcome").GetString());
        }

        using (var groups = await GetAsync(client, "/explorer/api/deadletters/groups"))
        {
            Assert.DoesNotContain(groups.RootElement.EnumerateArray(), g => g.GetProperty("consumer").GetString() == FixedBugDeadLetters.Consumer && g.GetProperty("errorKind").GetString() == FixedBugDeadLetters.Kind);
        }

        using (var log = await GetAsync(client, "/explorer/api/redeliveries"))
        {
            Assert.Equal("processed", log.RootElement[0].GetProperty("outcome").GetString());
            Assert.Equal(2, log.RootElement.GetArrayLength());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(new Uri($"/explorer/api/deadletters/redeliver?{group}", UriKind.Relative), null)).StatusCode);

        // Pausing a consumer stalls it: its lag grows with new events and returns to 0 once resumed.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(new Uri("/explorer/api/consumers/Payments_OnSalesOrders/pause", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(new Uri("/api/orders", UriKind.Relative),
            Json($$"""{"orderId":"{{orderId}}-2","customerId":"C-1","lines":[{"sku":"SKU-EXP","quantity":1,"unitPrice":3.5}],"currency":"EUR"}"""))).StatusCode);
        await WaitAsync(() => kestrelExplorer.Metrics.Latest?.Lag["sales-orders/payments"] == 1);
        using (var overview = await GetAsync(client, "/explorer/api/overview"))
        {
            var payments = overview.RootElement.GetProperty("consumers").EnumerateArray().Single(c => c.GetProperty("function").GetString() == "Payments_OnSalesOrders");
            Assert.True(payments.GetProperty("paused").GetBoolean());
            Assert.Equal(1, payments.GetProperty("lag").GetInt64());
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(new Uri("/explorer/api/consumers/Payments_OnSalesOrders/resume", UriKind.Relative), null)).StatusCode);
        await host.WaitForQuiescenceAsync(TimeSpan.FromSeconds(60), ct);
        Assert.Equal(0, ExplorerMetrics.LagOf(host)["sales-orders/payments"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(new Uri("/explorer/api/consumers/Nobody/pause", UriKind.Relative), null)).StatusCode);

        // The charts' history: samples with lag per hub/group, events per second per hub and dead letters; the last lag is 0 again.
        await WaitAsync(() => kestrelExplorer.Metrics.Latest?.Lag["sales-orders/payments"] == 0);
        using (var metrics = await GetAsync(client, "/explorer/api/metrics"))
        {
            var samples = metrics.RootElement.GetProperty("samples").EnumerateArray().ToArray();
            Assert.Contains(samples, s => s.GetProperty("lag").GetProperty("sales-orders/payments").GetInt64() == 1);
            Assert.Contains(samples, s => s.GetProperty("rate").GetProperty("sales-orders").GetDouble() > 0);
            Assert.True(samples[^1].GetProperty("deadLetters").GetInt64() > samples[^1].GetProperty("openDeadLetters").GetInt64());
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(20);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonDocument> GetAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative)));
}
