namespace Store.LocalHost.Tests.Explorer;

/// <summary>The explorer's page and JSON API over Kestrel, with every context running: what the page shows, scripts read too.</summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class ExplorerApiTests
{
    [Fact]
    public async Task Api_ShowsTopologyEventsLagDeadLettersAndTrace_StreamsLive_AndRedelivers()
    {
        var ct = CancellationToken.None;
        using var traces = new TraceRecorder();
        await using var azurite = await FreshAzurite.StartAsync(ct);
        var errors = new StringWriter();
        await using var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(azurite.ConnectionString) { RetryDelayScale = 0.001, Error = TextWriter.Synchronized(errors) }, ct);
        host.StartConsumers();
        var port = Shutdown.LocalHostProcess.FreePort();
        await using var kestrel = await KestrelFrontEnd.StartAsync(host, port, ct, new EventExplorer(host, traces));
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
            var placed = events.RootElement.EnumerateArray().Single(e => e.GetProperty("attributes").GetProperty("type").GetString() == "sales.order-placed.v1");
            Assert.Equal(orderId, placed.GetProperty("attributes").GetProperty("subject").GetString());
            Assert.Equal(orderId, placed.GetProperty("data").GetProperty("orderId").GetString());
            Assert.Equal("sales-orders", placed.GetProperty("hub").GetString());
        }

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
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonDocument> GetAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative)));
}
