using Store.LocalHost.Tests.Evolution;

namespace Store.LocalHost.Tests.Replay;

/// <summary>
/// End to end through every context: a generated input (receipts, orders, cancellations, malformed lines) replayed without
/// faults, with injected crashes between commit and checkpoint plus duplicate deliveries, and with every fault at once
/// (also Event Hubs publishes and Table requests failing with 503) must end in the same state and the same set of output
/// events, with every input processed or dead-lettered exactly once per consumer, no SKU oversold and no outbox left.
/// </summary>
public sealed class FaultInjectionTests : IDisposable
{
    // Bookkeeping columns that legitimately differ between runs (ETags, timestamps, idempotency logs, outboxes).
    private static readonly string[] Bookkeeping = ["ETag", "Timestamp", "Applied", "Positions", "OutboxToken"];
    private readonly string _dir = Directory.CreateTempSubdirectory("replay-faults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task CrashesDuplicatesAndOutages_EndInTheSameStateAndOutputsAsAFaultFreeRun()
    {
        var (input, clean, malformed) = await ReferenceReplay.CleanAsync();
        // The faulty runs are independent hosts, each with its own Azurite: they run side by side.
        var faulty = await Task.WhenAll(
            ReplayAsync(input, "faulty-7", new FaultOptions(0.3, 0.3), seed: 7),
            ReplayAsync(input, "faulty-8", new FaultOptions(0.3, 0.3), seed: 8),

            // Every fault at once: outages of Event Hubs and Table storage (transient 503s) on top of crashes and duplicates.
            ReplayAsync(input, "all-faults-9", FaultOptions.Parse("crash=0.05,duplicate=0.1,publish-fail=0.3,table-fail=0.1"), seed: 9));

        var cleanState = LoadState(clean);
        Assert.NotEmpty(cleanState);
        AssertNoSkuOversold(cleanState);
        AssertEveryMalformedLineDeadLetteredOncePerConsumer(clean, malformed);
        foreach (var run in faulty)
        {
            var state = LoadState(run);
            Assert.Equal(cleanState.Keys.Order(), state.Keys.Order());
            foreach (var (key, entity) in cleanState)
            {
                Assert.True(JsonNode.DeepEquals(entity, state[key]), $"{Path.GetFileName(run)}: {key} differs:\n clean  {entity.ToJsonString()}\n faulty {state[key].ToJsonString()}");
            }

            foreach (var hub in EventCatalog.Current.Streams.Select(s => s.Stream.Hub))
            {
                Assert.Equal(OutputSet(clean, hub), OutputSet(run, hub));
            }

            AssertNoSkuOversold(state);
            AssertEveryMalformedLineDeadLetteredOncePerConsumer(run, malformed);
        }

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(clean, "summary.json")));
        foreach (var context in EventCatalog.Current.Contexts.Select(c => c.Name).Where(c => EventCatalog.Current.HubsConsumedBy(c).Any()))
        {
            Assert.True(summary.RootElement.GetProperty(context).GetProperty("processed").GetInt64() > 0, $"{context} processed nothing");
        }

        // Every run settles with no row holding an outbox; the all-faults run really had outages and retried through them.
        foreach (var run in faulty.Prepend(clean))
        {
            using var counts = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
            foreach (var context in counts.RootElement.EnumerateObject())
            {
                Assert.True(context.Value.GetProperty("pendingOutboxRows").GetInt64() == 0, $"{Path.GetFileName(run)}: {context.Name} has rows holding a pending outbox");
                Assert.Equal(0, context.Value.GetProperty("failed").GetInt64());
            }
        }

        using var allFaults = JsonDocument.Parse(File.ReadAllText(Path.Combine(faulty[^1], "summary.json")));
        var totals = allFaults.RootElement.EnumerateObject().Select(c => c.Value).ToList();
        Assert.True(totals.Sum(c => c.GetProperty("injectedPublishFailures").GetInt64()) > 0);
        Assert.True(totals.Sum(c => c.GetProperty("injectedTableFailures").GetInt64()) > 0);
        Assert.True(totals.Sum(c => c.GetProperty("retried").GetInt64()) > 0);
    }

    private async Task<string> ReplayAsync(string input, string name, FaultOptions faults, int seed)
    {
        var output = Path.Combine(_dir, name);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await ReplayCommand.RunReplayAsync(new ReplayOptions(input, output, faults, seed), stdout, stderr, CancellationToken.None);
        Assert.True(exit == 0, $"{name}: exit {exit}\n{stderr}");
        Assert.DoesNotContain("FAILED", stderr.ToString(), StringComparison.Ordinal);
        return output;
    }

    /// <summary>
    /// Writes the input: receipts of 10 SKUs, <paramref name="orders"/> orders, <paramref name="cancels"/> cancels and three
    /// malformed lines; <paramref name="sendAs"/> says how order n (from 1) is sent (default: all as the archived v1).
    /// Returns the malformed lines (hub, raw body, the consumer groups that must dead-letter it).
    /// </summary>
    internal static List<(string Hub, string Body, string[] DeadLetteredBy)> GenerateInput(string path, int seed, int orders = 60, int cancels = 8, Func<int, OrderPlacedAs>? sendAs = null)
    {
        var random = new Random(seed);
        var lines = new List<string>();
        var skus = Enumerable.Range(1, 10).Select(i => $"SKU-{i:00}").ToList();
        var n = 0;
        string Event(string type, string subject, string data) =>
            $$"""{"specversion":"1.0","id":"in-{{++n}}","source":"/tests/replay","type":"{{type}}","subject":"{{subject}}","time":"2026-01-01T00:00:{{n % 60:00}}Z","datacontenttype":"application/json","data":{{data}}}""";
        string Line(string stream, string? key, string body) =>
            $$"""{"stream":"{{stream}}","partitionKey":{{(key is null ? "null" : $"\"{key}\"")}},"body":{{body}}}""";

        foreach (var sku in skus)
        {
            lines.Add(Line("inventory-stock", sku, Event("inventory.stock-received.v1", sku, $$"""{"receiptId":"R-{{sku}}","sku":"{{sku}}","quantity":{{random.Next(5, 25)}}}""")));
        }

        var placed = new List<(string Id, string Customer)>();
        for (var i = 1; i <= orders; i++)
        {
            var id = $"O-{i:000}";
            var customer = $"C-{random.Next(1, 13):00}";
            var big = random.NextDouble() < 0.1;
            var orderLines = skus.OrderBy(_ => random.Next()).Take(random.Next(1, 4))
                .Select(sku => (Sku: sku, Quantity: big ? random.Next(10, 30) : random.Next(1, 4), Price: random.Next(1, 10) * (random.NextDouble() < 0.1 ? 900m : 25.5m)))
                .ToList();
            var total = orderLines.Sum(l => l.Quantity * l.Price);
            var currency = random.NextDouble() < 0.05 ? "XTS" : "EUR";
            var json = string.Join(',', orderLines.Select(l => string.Create(CultureInfo.InvariantCulture, $$"""{"sku":"{{l.Sku}}","quantity":{{l.Quantity}},"unitPrice":{{l.Price}}}""")));
            var how = sendAs?.Invoke(i) ?? OrderPlacedAs.V1;
            var address = how == OrderPlacedAs.V2WithAddress ? $$"""{"recipient":"{{customer}}","line1":"{{i}} Quay Street","city":"Gent","postalCode":"{{9000 + i}}","country":"BE"}""" : "null";
            var body = Event(OlderSales.V2, id, string.Create(CultureInfo.InvariantCulture,
                $$"""{"orderId":"{{id}}","customerId":"{{customer}}","lines":[{{json}}],"total":{{total}},"currency":"{{currency}}","shippingAddress":{{address}}}"""));
            lines.Add(Line("sales-orders", id, how == OrderPlacedAs.V1 ? Encoding.UTF8.GetString(OlderSales.AsV1(Encoding.UTF8.GetBytes(body))) : body));
            placed.Add((id, customer));
        }

        foreach (var (id, customer) in placed.OrderBy(_ => random.Next()).Take(cancels))
        {
            lines.Add(Line("sales-orders", id, Event("sales.order-cancelled.v1", id, $$"""{"orderId":"{{id}}","customerId":"{{customer}}","reason":"test"}""")));
        }

        // Bad JSON and unknown types are dead-lettered by every consumer of the hub; a schema violation only by the consumers
        // that read that type (the others skip catalog types they do not handle without validating them).
        var malformed = new List<(string Hub, string Body, string[] DeadLetteredBy)>
        {
            ("sales-orders", "this is not JSON", ConsumersOf("sales-orders")),
            ("payments", """{"specversion":"1.0","id":"bad-type","source":"/tests","type":"payments.payment-teleported.v1","subject":"O-001","time":"2026-01-01T00:00:00Z","data":{"orderId":"O-001"}}""", ConsumersOf("payments")),
            ("inventory-stock", """{"specversion":"1.0","id":"bad-schema","source":"/tests","type":"inventory.stock-received.v1","subject":"SKU-01","time":"2026-01-01T00:00:00Z","data":{"receiptId":"R-x","sku":"SKU-01","quantity":-3}}""", ["inventory"]),
        };
        lines.Insert(Math.Min(20, lines.Count), Line("sales-orders", null, JsonSerializer.Serialize(malformed[0].Body)));
        lines.Insert(Math.Min(40, lines.Count), Line("payments", "O-001", malformed[1].Body));
        lines.Add(Line("inventory-stock", "SKU-01", malformed[2].Body));
        File.WriteAllLines(path, lines, new UTF8Encoding(false));
        return malformed;
    }

    private static string[] ConsumersOf(string hub) =>
        [.. EventCatalog.Current.Stream(hub).Stream.Consumers.Where(c => c.Context != "Operations").Select(c => c.ConsumerGroup).Order()];

    /// <summary>Every entity of every context table: (context/table/PK/RK) -> business columns (State parsed as JSON).</summary>
    internal static Dictionary<string, JsonObject> LoadState(string run)
    {
        var state = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(run, "state"), "*.jsonl", SearchOption.AllDirectories))
        {
            var table = Path.GetRelativePath(Path.Combine(run, "state"), file);
            foreach (var line in File.ReadLines(file))
            {
                var entity = JsonNode.Parse(line)!.AsObject();
                var business = new JsonObject();
                foreach (var (name, value) in entity)
                {
                    if (Bookkeeping.Contains(name) || name.StartsWith("Outbox", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    business[name] = name == "State" && value?.GetValueKind() == JsonValueKind.String ? JsonNode.Parse(value.GetValue<string>()) : value?.DeepClone();
                }

                state[$"{table}/{entity["PartitionKey"]}/{entity["RowKey"]}"] = business;
            }
        }

        return state;
    }

    /// <summary>The set of event ids in a hub; for dead letters, what failed where (their ids depend on stream positions of derived events).</summary>
    internal static SortedSet<string> OutputSet(string run, string hub)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(run, "streams", hub + ".jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var body = doc.RootElement.GetProperty("body");
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("id", out var id))
            {
                set.Add("raw:" + body.GetRawText());
            }
            else if (hub == EventCatalog.Current.DeadLetterStream.Hub)
            {
                var data = body.GetProperty("data");
                set.Add($"{data.GetProperty("consumerGroup")}|{data.GetProperty("sourceHub")}|{data.GetProperty("error").GetProperty("kind")}|{data.GetProperty("body")}");
            }
            else
            {
                set.Add(id.GetString()!);
            }
        }

        return set;
    }

    private static void AssertEveryMalformedLineDeadLetteredOncePerConsumer(string run, List<(string Hub, string Body, string[] DeadLetteredBy)> malformed)
    {
        var deadLetters = File.ReadLines(Path.Combine(run, "streams", EventCatalog.Current.DeadLetterStream.Hub + ".jsonl"))
            .Select(l => JsonNode.Parse(l)!["body"]!)
            .ToList();
        foreach (var (hub, body, consumers) in malformed)
        {
            var position = File.ReadLines(Path.Combine(run, "streams", hub + ".jsonl")).Select(l => JsonNode.Parse(l)!)
                .Single(e => (e["body"]!.GetValueKind() == JsonValueKind.String ? e["body"]!.GetValue<string>() : e["body"]!.ToJsonString()) == (body.StartsWith('{') ? JsonNode.Parse(body)!.ToJsonString() : body));
            var forLine = deadLetters.Where(d => (string?)d["data"]!["sourceHub"] == hub
                    && (string?)d["data"]!["partitionId"] == (string?)position["partition"]
                    && (long?)d["data"]!["sequenceNumber"] == (long?)position["sequenceNumber"])
                .ToList();
            Assert.Equal(consumers, forLine.Select(d => (string)d["data"]!["consumerGroup"]!).Distinct().Order().ToList());
            Assert.Equal(consumers.Length, forLine.Select(d => (string)d["id"]!).Distinct().Count());
        }
    }

    private static void AssertNoSkuOversold(Dictionary<string, JsonObject> state)
    {
        foreach (var (key, entity) in state.Where(s => s.Key.StartsWith("Inventory", StringComparison.Ordinal)))
        {
            if (entity["State"] is JsonObject s)
            {
                foreach (var (name, value) in s)
                {
                    if (name.StartsWith("available", StringComparison.OrdinalIgnoreCase) && value?.GetValueKind() == JsonValueKind.Number)
                    {
                        Assert.True(value.GetValue<decimal>() >= 0, $"{key}: {name} = {value}");
                    }
                }
            }
        }
    }
}

/// <summary>How a generated input sends an order: as the Sales before v2 did (v1), or as v2 with null (the address on file) or an address.</summary>
internal enum OrderPlacedAs
{
    V1,
    V2,
    V2WithAddress,
}
