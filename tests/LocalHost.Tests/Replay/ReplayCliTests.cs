namespace Store.LocalHost.Tests.Replay;

public sealed class ReplayCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("replay-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);

    private string Input(params string[] lines)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData(new[] { "replay" }, "--input")]
    [InlineData(new[] { "replay", "--input", "x.jsonl" }, "--out")]
    [InlineData(new[] { "replay", "--input", "x.jsonl", "--out", "o", "--faults", "crash=2" }, "crash=2")]
    [InlineData(new[] { "replay", "--input", "x.jsonl", "--out", "o", "--faults", "meteor=0.1" }, "meteor")]
    [InlineData(new[] { "replay", "--input", "x.jsonl", "--out", "o", "--seed", "many" }, "--seed")]
    [InlineData(new[] { "replay", "--input", "x.jsonl", "--out", "o", "--colour", "blue" }, "--colour")]
    [InlineData(new[] { "replay", "--input" }, "--input needs a value")]
    [InlineData(new[] { "teleport" }, "unknown command")]
    public async Task BadArguments_ExitNonZero_WithAMessageNamingTheProblem(string[] args, string expected)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.NotEqual(0, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingInputFile_ExitsNonZero()
    {
        var (exit, _, error) = await RunAsync("replay", "--input", Path.Combine(_dir, "nope.jsonl"), "--out", Path.Combine(_dir, "out"));

        Assert.NotEqual(0, exit);
        Assert.Contains("nope.jsonl", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "line 3: not valid JSON")]
    [InlineData("""{"partitionKey":"k","body":{}}""", "line 3: missing \"stream\"")]
    [InlineData("""{"stream":"no-such-hub","partitionKey":"k","body":{}}""", "line 3: unknown stream 'no-such-hub'")]
    [InlineData("""{"stream":"sales-orders","partitionKey":"k"}""", "line 3: missing \"body\"")]
    [InlineData("""{"stream":"sales-orders","partitionKey":7,"body":{}}""", "line 3: \"partitionKey\" must be a string or null")]
    [InlineData("""[1,2]""", "line 3: expected a JSON object")]
    public async Task UnreadableLine_ExitsNonZero_NamingItsLineNumber_AndWritesNothing(string badLine, string expected)
    {
        var input = Input(
            """{"stream":"sales-orders","partitionKey":"O-1","body":"just text"}""",
            """{"stream":"payments","partitionKey":null,"body":{"a":1}}""",
            badLine);
        var output = Path.Combine(_dir, "out");

        var (exit, _, error) = await RunAsync("replay", "--input", input, "--out", output);

        Assert.NotEqual(0, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task ValidInput_WritesEveryHubStream_StateFolders_AndASummaryPerContext()
    {
        var input = Input(
            """{"stream":"sales-orders","partitionKey":"O-1","body":"just text, not an event"}""",
            "",
            """{"stream":"payments","partitionKey":null,"body":{"not":"a cloud event"}}""",
            """{"stream":"inventory-stock","partitionKey":"SKU-1","body":{"specversion":"1.0","id":"r-1","source":"/tests","type":"inventory.stock-received.v1","subject":"SKU-1","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","data":{"receiptId":"r-1","sku":"SKU-1","quantity":5}}}""");
        var output = Path.Combine(_dir, "out");

        var (exit, stdout, error) = await RunAsync("replay", "--input", input, "--out", output, "--seed", "3");

        Assert.True(exit == 0, error);
        Assert.Contains("replay:", stdout, StringComparison.Ordinal);
        foreach (var (_, stream) in EventCatalog.Current.Streams)
        {
            var file = Path.Combine(output, "streams", stream.Hub + ".jsonl");
            Assert.True(File.Exists(file), file);
            foreach (var line in File.ReadLines(file))
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                Assert.Equal(stream.Hub, e.GetProperty("stream").GetString());
                Assert.InRange(int.Parse(e.GetProperty("partition").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 0, stream.Partitions - 1);
                Assert.True(e.GetProperty("sequenceNumber").GetInt64() >= 0);
                Assert.True(e.TryGetProperty("offset", out _));
                Assert.True(e.TryGetProperty("partitionKey", out _));
                Assert.True(e.TryGetProperty("body", out _));
            }
        }

        var sales = File.ReadAllLines(Path.Combine(output, "streams", "sales-orders.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(sales, e => e.GetProperty("body").ValueKind == JsonValueKind.String && e.GetProperty("body").GetString() == "just text, not an event");
        var payments = File.ReadAllLines(Path.Combine(output, "streams", "payments.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(payments, e => e.GetProperty("body").ValueKind == JsonValueKind.Object && e.GetProperty("partitionKey").ValueKind == JsonValueKind.Null);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        foreach (var context in EventCatalog.Current.Contexts)
        {
            var counts = summary.RootElement.GetProperty(context.Name);
            foreach (var field in new[] { "processed", "emitted", "deadLettered", "retried" })
            {
                Assert.True(counts.GetProperty(field).GetInt64() >= 0);
            }
        }

        Assert.True(Directory.Exists(Path.Combine(output, "state")));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(output, "state"), "*.jsonl", SearchOption.AllDirectories))
        {
            var context = Path.GetFileName(Path.GetDirectoryName(file))!;
            Assert.StartsWith(context.ToLowerInvariant(), Path.GetFileNameWithoutExtension(file), StringComparison.Ordinal);
            foreach (var line in File.ReadLines(file))
            {
                using var entity = JsonDocument.Parse(line);
                Assert.True(entity.RootElement.TryGetProperty("PartitionKey", out _));
                Assert.True(entity.RootElement.TryGetProperty("RowKey", out _));
                Assert.False(entity.RootElement.TryGetProperty("odata.etag", out _));
            }
        }
    }
}
