namespace Store.LocalHost.Tests.DeadLetters;

/// <summary>
/// Through every real context: <c>replay --redeliver-dead-letters</c> re-injects what the run dead-lettered into the original
/// consumers; data errors fail again under the same dead-letter ids and the state and outputs equal a run without
/// redelivery; <c>deadletters list</c> shows them per context.
/// </summary>
public sealed class DeadLetterCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("deadletters-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);

    private string WriteInput()
    {
        static string Event(string id, string type, string subject, string data) =>
            $$"""{"specversion":"1.0","id":"{{id}}","source":"/tests","type":"{{type}}","subject":"{{subject}}","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","data":{{data}}}""";
        static string Line(string stream, string? key, string body) =>
            $$"""{"stream":"{{stream}}","partitionKey":{{(key is null ? "null" : $"\"{key}\"")}},"body":{{body}}}""";
        var lines = new[]
        {
            Line("inventory-stock", "SKU-1", Event("r-1", "inventory.stock-received.v1", "SKU-1", """{"receiptId":"r-1","sku":"SKU-1","quantity":10}""")),
            Line("sales-orders", "O-1", Event("o-1", "sales.order-placed.v1", "O-1", """{"orderId":"O-1","customerId":"C-1","lines":[{"sku":"SKU-1","quantity":2,"unitPrice":10}],"total":20,"currency":"EUR"}""")),
            Line("sales-orders", "O-bad", "\"this is not JSON\""),
            Line("sales-orders", "O-2", Event("o-2", "sales.order-placed.v1", "O-2", """{"orderId":"O-2","customerId":"C-2","lines":[{"sku":"SKU-1","quantity":1,"unitPrice":10}],"total":10,"currency":"EUR"}""")),
            Line("payments", "O-1", Event("bad-type", "payments.payment-teleported.v1", "O-1", """{"orderId":"O-1"}""")),
            Line("inventory-stock", "SKU-1", Event("bad-schema", "inventory.stock-received.v1", "SKU-1", """{"receiptId":"r-x","sku":"SKU-1","quantity":-3}""")),
        };
        var path = Path.Combine(_dir, "input.jsonl");
        File.WriteAllLines(path, lines, new UTF8Encoding(false));
        return path;
    }

    private static List<JsonObject> DeadLetters(string run) =>
        File.ReadLines(Path.Combine(run, "streams", EventCatalog.Current.DeadLetterStream.Hub + ".jsonl")).Select(l => JsonNode.Parse(l)!["body"]!.AsObject()).ToList();

    private static SortedDictionary<string, string> State(string run)
    {
        var state = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(run, "state"), "*.jsonl", SearchOption.AllDirectories))
        {
            foreach (var line in File.ReadLines(file))
            {
                var entity = JsonNode.Parse(line)!.AsObject();
                foreach (var name in entity.Select(p => p.Key).Where(k => k.StartsWith("Outbox", StringComparison.Ordinal)).ToList())
                {
                    entity.Remove(name);
                }

                state[$"{Path.GetFileName(file)}/{entity["PartitionKey"]}/{entity["RowKey"]}"] = entity.ToJsonString();
            }
        }

        return state;
    }

    private static SortedSet<string> Ids(string run, string hub) =>
        new(File.ReadLines(Path.Combine(run, "streams", hub + ".jsonl")).Select(l => JsonNode.Parse(l)!["body"]!)
            .Select(b => b.GetValueKind() == JsonValueKind.Object && b["id"] is { } id ? id.GetValue<string>() : "raw:" + b.ToJsonString()), StringComparer.Ordinal);

    [Fact]
    public async Task ReplayWithRedelivery_FailsAgainUnderTheSameIds_EndsInTheSameStateAndOutputs_AndListShowsThemPerContext()
    {
        var input = WriteInput();
        var plain = Path.Combine(_dir, "plain");
        var redelivered = Path.Combine(_dir, "redelivered");

        var (exit1, _, error1) = await RunAsync("replay", "--input", input, "--out", plain);
        var (exit2, stdout2, error2) = await RunAsync("replay", "--input", input, "--out", redelivered, "--redeliver-dead-letters", "all");

        Assert.True(exit1 == 0, error1);
        Assert.True(exit2 == 0, error2);
        var original = DeadLetters(plain);
        Assert.NotEmpty(original);
        var ids = original.Select(d => d["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(original.Count, ids.Count);
        Assert.Contains($"redelivered {ids.Count} dead letter(s) (all):", stdout2, StringComparison.Ordinal);
        Assert.Equal(ids.Count, stdout2.Split('\n').Count(l => l.Contains("-> dead-lettered again", StringComparison.Ordinal)));

        // Every data error failed again in its original consumer, under its original dead-letter id and position.
        var after = DeadLetters(redelivered);
        Assert.Equal(2 * ids.Count, after.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), after.Select(d => d["id"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal));
        foreach (var group in after.GroupBy(d => d["id"]!.GetValue<string>()))
        {
            var pair = group.ToList();
            Assert.Equal(pair[0]["data"]!["partitionId"]!.GetValue<string>(), pair[1]["data"]!["partitionId"]!.GetValue<string>());
            Assert.Equal(pair[0]["data"]!["consumer"]!.GetValue<string>(), pair[1]["data"]!["consumer"]!.GetValue<string>());
            Assert.Equal(pair[0]["data"]!["error"]!["kind"]!.GetValue<string>(), pair[1]["data"]!["error"]!["kind"]!.GetValue<string>());
        }

        // Nothing else changed.
        var (plainState, redeliveredState) = (State(plain), State(redelivered));
        Assert.Equal(plainState.Keys, redeliveredState.Keys);
        Assert.All(plainState, p => Assert.Equal(p.Value, redeliveredState[p.Key]));
        foreach (var hub in EventCatalog.Current.Streams.Select(s => s.Stream.Hub))
        {
            Assert.Equal(Ids(plain, hub), Ids(redelivered, hub));
        }

        // The list: every dead letter once, per context; --context filters.
        var (listExit, list, _) = await RunAsync("deadletters", "list", "--dir", redelivered);
        Assert.Equal(0, listExit);
        Assert.StartsWith("id", list, StringComparison.Ordinal);
        foreach (var d in original)
        {
            var row = list.Split('\n').Single(l => l.StartsWith(d["id"]!.GetValue<string>(), StringComparison.Ordinal));
            Assert.Contains(d["data"]!["consumer"]!.GetValue<string>(), row, StringComparison.Ordinal);
            Assert.Contains($"{d["data"]!["sourceHub"]}/{d["data"]!["partitionId"]}#{d["data"]!["sequenceNumber"]}", row, StringComparison.Ordinal);
            Assert.Contains(d["data"]!["error"]!["kind"]!.GetValue<string>(), row, StringComparison.Ordinal);
        }

        var inventory = original.Where(d => d["data"]!["consumer"]!.GetValue<string>() == "Inventory").Select(d => d["id"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(inventory);
        var (_, inventoryList, _) = await RunAsync("deadletters", "list", "--dir", redelivered, "--context", "inventory");
        var rows = inventoryList.Split('\n').Skip(2).Where(l => l.Length > 0 && !l.StartsWith(inventory.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " dead", StringComparison.Ordinal)).ToList();
        Assert.Equal(inventory.Order(StringComparer.Ordinal), rows.Select(r => r.Split(' ')[0]).Order(StringComparer.Ordinal));
        Assert.Contains($"{inventory.Count} dead letter(s): Inventory {inventory.Count}", inventoryList, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "deadletters" }, "needs a subcommand")]
    [InlineData(new[] { "deadletters", "purge" }, "unknown deadletters subcommand 'purge'")]
    [InlineData(new[] { "deadletters", "list" }, "--dir")]
    [InlineData(new[] { "deadletters", "list", "--dir", "d", "--colour", "x" }, "--colour")]
    [InlineData(new[] { "replay", "--input", "x.jsonl", "--out", "o", "--redeliver-dead-letters", "Payments:" }, "--redeliver-dead-letters")]
    public async Task BadArguments_ExitNonZero_NamingTheProblem(string[] args, string expected)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.NotEqual(0, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_OfADirectoryWithoutReplayOutput_ExitsNonZero()
    {
        var (exit, _, error) = await RunAsync("deadletters", "list", "--dir", Path.Combine(_dir, "nothing"));

        Assert.Equal(2, exit);
        Assert.Contains(DeadLettersCommand.ExportPath(Path.Combine(_dir, "nothing")), error, StringComparison.Ordinal);
    }
}
