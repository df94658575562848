using Microsoft.Extensions.Logging;
using Store.LocalHost.Scheduling;
using Store.LocalHost.Tests.Evolution;

namespace Store.LocalHost.Tests.SystemProperties;

/// <summary>One event as it ended up in a hub.</summary>
public sealed record ObservedEvent(string Hub, string Partition, long Sequence, JsonObject? Body)
{
    public string? Type => (string?)Body?["type"];
    public string? Id => (string?)Body?["id"];
    public JsonNode? Data => Body?["data"];
    public string? OrderId => (string?)Data?["orderId"];
}

/// <summary>Everything the invariants look at after a run reached quiescence.</summary>
public sealed record Observation(
    IReadOnlyList<ObservedEvent> Events,
    IReadOnlyDictionary<int, HttpStatusCode> Answers,
    IReadOnlyDictionary<int, (string Hub, string Partition, long Sequence)> MalformedAt,
    IReadOnlyDictionary<string, JsonObject> Sales,
    IReadOnlyDictionary<string, JsonObject> Fulfillment,
    IReadOnlyDictionary<string, JsonObject> InventoryOrders,
    IReadOnlyList<JsonObject> InventoryParts,
    IReadOnlyDictionary<string, JsonObject?> Stock,
    IReadOnlyDictionary<string, JsonObject?> Tracking,
    IReadOnlyDictionary<string, JsonObject?> Loyalty,
    int Deliveries,
    string Errors);

/// <summary>
/// Runs a scenario through all seven contexts of the local host: every step at the edge (HTTP ingress, or an append for
/// producer retries and malformed lines), with a seeded random number of consumer deliveries (random consumer, random
/// batch size, see <see cref="SeededDelivery"/>) between steps, then delivery to quiescence; optionally with the host's
/// seeded crash-before-checkpoint and duplicate-delivery faults. Each run uses its own tables in the shared Azurite.
/// </summary>
public static class SystemRun
{
    private static int _runs;

    /// <summary>Runs <paramref name="scenario"/>; <paramref name="shards"/> is Inventory's stock shard count N.</summary>
    public static async Task<Observation> RunAsync(string storage, Scenario scenario, Schedule schedule, CancellationToken ct, int shards = 1)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"p{Interlocked.Increment(ref _runs)}x{Guid.NewGuid():N}")[..16];
        var tables = new Dictionary<string, string?>
        {
            ["Sales:OrdersTable"] = prefix + "sales",
            ["Inventory:StockTable"] = prefix + "stock",
            ["Inventory:ReceiptsTable"] = prefix + "receipts",
            ["Fulfillment:OrdersTable"] = prefix + "fulfillment",
            ["Tracking:OrdersTable"] = prefix + "tracking",
            ["Loyalty:CustomersTable"] = prefix + "loyalty",
        };
        var settings = new Dictionary<string, string?>(tables) { ["Inventory:StockShards"] = shards.ToString(CultureInfo.InvariantCulture) };
        var errors = new StringWriter();
        var options = new LocalHostOptions(storage)
        {
            Settings = settings,
            Faults = schedule.Faults ? new FaultOptions(0.2, 0.2) : FaultOptions.None,
            Seed = schedule.Seed,
            RetryDelayScale = 0.0001,
            ContextLogLevel = LogLevel.Critical,
            Error = errors,
            RewriteOutput = OlderSales.Rewrite(scenario.Steps.OfType<PlaceOrder>().Where(o => o.SentAsV1).Select(o => o.OrderId).ToHashSet(StringComparer.Ordinal).Contains),
        };

        try
        {
            await using var host = await LocalFunctionsHost.StartAsync(options, ct);
            var delivery = new SeededDelivery(host, schedule.Seed);
            var pace = new Random(schedule.Seed ^ 0x5EED);
            var answers = new Dictionary<int, HttpStatusCode>();
            var published = new Dictionary<int, List<StoredEvent>>();
            var malformedAt = new Dictionary<int, (string, string, long)>();
            for (var i = 0; i < scenario.Steps.Count; i++)
            {
                // Between two edge steps the consumers get anywhere from nothing to everything pending.
                while (delivery.HasPending && pace.NextDouble() < 0.7)
                {
                    await delivery.StepAsync(ct);
                }

                var before = Ends(host.Log);
                switch (scenario.Steps[i])
                {
                    case Receipt r:
                        answers[i] = await PostAsync(host, "/api/stock/receipts", $$"""{"receiptId":"{{r.ReceiptId}}","sku":"{{r.Sku}}","quantity":{{r.Quantity}}}""", ct);
                        break;
                    case PlaceOrder o:
                        var lines = string.Join(',', o.Lines.Select(l => string.Create(CultureInfo.InvariantCulture, $$"""{"sku":"{{l.Sku}}","quantity":{{l.Quantity}},"unitPrice":{{l.UnitPrice}}}""")));
                        var address = o.Address is { } a ? ",\"shippingAddress\":" + a.ToJsonString() : "";
                        answers[i] = await PostAsync(host, "/api/orders", $$"""{"orderId":"{{o.OrderId}}","customerId":"{{o.CustomerId}}","lines":[{{lines}}],"currency":"{{o.Currency}}"{{address}}}""", ct);
                        break;
                    case CancelOrder c:
                        answers[i] = await PostAsync(host, $"/api/orders/{c.OrderId}/cancel", """{"reason":"changed my mind"}""", ct);
                        break;
                    case ProducerRetry p:
                        foreach (var e in published.GetValueOrDefault(p.Of) ?? [])
                        {
                            host.Log.Append(e.Hub, new EventToAppend(e.Body, e.PartitionKey, e.Properties, e.MessageId, e.ContentType));
                        }

                        break;
                    case Malformed m:
                        var stored = host.Log.Append(ReferenceModel.HubOf(m.Kind), new EventToAppend(Encoding.UTF8.GetBytes(MalformedBody(m.Kind, i)), m.Kind == MalformedKind.BadJson ? null : "S1"));
                        malformedAt[i] = (stored.Hub, stored.PartitionId, stored.SequenceNumber);
                        break;
                }

                // A malformed line is not an event a producer would retry.
                published[i] = scenario.Steps[i] is Malformed ? [] : NewSince(host.Log, before);
            }

            await delivery.DrainAsync(ct);
            return await ObserveAsync(host, storage, tables, scenario, answers, malformedAt, delivery.Deliveries, errors.ToString(), ct);
        }
        finally
        {
            var service = new TableServiceClient(storage);
            foreach (var table in tables.Values)
            {
                await service.DeleteTableAsync(table, CancellationToken.None);
            }
        }
    }

    private static string MalformedBody(MalformedKind kind, int step) => kind switch
    {
        MalformedKind.BadJson => $"this is not JSON (step {step})",
        MalformedKind.UnknownType => $$$"""{"specversion":"1.0","id":"bad-type-{{{step}}}","source":"/tests","type":"payments.payment-teleported.v1","subject":"O-1","time":"2026-01-01T00:00:00Z","data":{"orderId":"O-1"}}""",
        _ => $$$"""{"specversion":"1.0","id":"bad-schema-{{{step}}}","source":"/tests","type":"inventory.stock-received.v1","subject":"S1","time":"2026-01-01T00:00:00Z","data":{"receiptId":"R-bad-{{{step}}}","sku":"S1","quantity":-3}}""",
    };

    private static async Task<HttpStatusCode> PostAsync(LocalFunctionsHost host, string path, string json, CancellationToken ct) =>
        (await host.Http.SendAsync("POST", path, Encoding.UTF8.GetBytes(json), [new("Content-Type", "application/json")], ct)).StatusCode;

    private static Dictionary<(string, string), long> Ends(EventStreamLog log) =>
        log.Hubs.SelectMany(h => log.PartitionIds(h).Select(p => (h, p))).ToDictionary(k => k, k => log.EndOf(k.h, k.p));

    private static List<StoredEvent> NewSince(EventStreamLog log, Dictionary<(string, string), long> before) =>
        before.SelectMany(kv => log.Read(kv.Key.Item1, kv.Key.Item2, kv.Value, int.MaxValue)).ToList();

    private static async Task<Observation> ObserveAsync(
        LocalFunctionsHost host, string storage, Dictionary<string, string?> tables, Scenario scenario,
        Dictionary<int, HttpStatusCode> answers, Dictionary<int, (string, string, long)> malformedAt, int deliveries, string errors, CancellationToken ct)
    {
        var events = host.Log.Hubs.SelectMany(h => host.Log.ReadAll(h)).Select(e => new ObservedEvent(e.Hub, e.PartitionId, e.SequenceNumber, TryParse(e.Body))).ToList();
        var orderIds = scenario.Steps.OfType<PlaceOrder>().Select(o => o.OrderId).ToList();

        var sales = await ReadStatesAsync(storage, tables["Sales:OrdersTable"]!, ct);
        var fulfillment = await ReadStatesAsync(storage, tables["Fulfillment:OrdersTable"]!, ct);
        // An order row holds "order" with one shard, "saga" with N > 1 shards; "part" rows are one shard's part of an order.
        var stockRows = (await ReadStatesAsync(storage, tables["Inventory:StockTable"]!, ct)).Values.ToList();
        var inventory = stockRows.Select(s => (s["order"] ?? s["saga"]) as JsonObject).OfType<JsonObject>()
            .ToDictionary(o => (string)o["orderId"]!, StringComparer.Ordinal);
        var parts = stockRows.Select(s => s["part"] as JsonObject).OfType<JsonObject>().ToList();

        var stock = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var sku in Scenario.Skus)
        {
            stock[sku] = await GetAsync(host, $"/api/stock/{sku}", ct);
        }

        var tracking = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var id in orderIds)
        {
            tracking[id] = await GetAsync(host, $"/api/orders/{id}", ct);
        }

        var loyalty = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var customer in Scenario.Customers)
        {
            loyalty[customer] = await GetAsync(host, $"/api/customers/{customer}/loyalty", ct);
        }

        return new Observation(events, answers, malformedAt, sales.Values.ToDictionary(s => (string)s["orderId"]!, StringComparer.Ordinal),
            fulfillment.Values.ToDictionary(s => (string)s["orderId"]!, StringComparer.Ordinal), inventory, parts, stock, tracking, loyalty, deliveries, errors);
    }

    private static async Task<JsonObject?> GetAsync(LocalFunctionsHost host, string path, CancellationToken ct)
    {
        var result = await host.Http.SendAsync("GET", path, null, null, ct);
        return result.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(result.Text)!.AsObject()
            : result.StatusCode == HttpStatusCode.NotFound ? null
            : throw new InvalidOperationException($"GET {path} answered {(int)result.StatusCode}: {result.Text}");
    }

    private static async Task<Dictionary<string, JsonObject>> ReadStatesAsync(string storage, string table, CancellationToken ct)
    {
        var states = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var client = new TableClient(storage, table);
        try
        {
            await foreach (var entity in client.QueryAsync<TableEntity>(cancellationToken: ct))
            {
                if (entity.GetString("State") is { } json)
                {
                    states[entity.PartitionKey + "/" + entity.RowKey] = JsonNode.Parse(json)!.AsObject();
                }
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // A context that never wrote has no table yet.
        }

        return states;
    }

    private static JsonObject? TryParse(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
