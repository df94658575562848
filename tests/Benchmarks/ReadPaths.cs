namespace Store.Benchmarks;

/// <summary>A small state record for the read-path comparison.</summary>
public sealed record BenchRow(string Name, long Value);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenchRow))]
internal sealed partial class BenchJson : JsonSerializerContext;

/// <summary>
/// Reading 100 known keys of a partition holding 8,000 rows: the former 40-key OR filters vs bounded-parallel point
/// reads (the kit's choice, see <see cref="TableStateStore{TState}.MaxParallelReads"/>).
/// </summary>
internal static class ReadPaths
{
    private const int Keys = 100;
    private const int Rounds = 10;

    public static async Task RunAsync(Storage storage)
    {
        // An OR filter is a scan of the partition, so its cost grows with the partition; a point read's does not.
        foreach (var rows in new[] { 8_000, 32_000 })
        {
            await RunAsync(storage, rows).ConfigureAwait(false);
        }
    }

    private static async Task RunAsync(Storage storage, int Rows)
    {
        var table = await storage.NewTableAsync("benchreads").ConfigureAwait(false);
        // Filled through a caching store (rows assumed new, inserted 100 per transaction); measured without a cache.
        var writer = new TableStateStore<BenchRow>(table, BenchJson.Default.BenchRow, cacheCapacity: 1);
        var store = new TableStateStore<BenchRow>(table, BenchJson.Default.BenchRow);
        for (var start = 0; start < Rows; start += TableStateStore<BenchRow>.MaxTransactionSize)
        {
            var records = await writer.ReadAsync("p", Enumerable.Range(start, TableStateStore<BenchRow>.MaxTransactionSize).Select(Key).ToArray(), _ => true, CancellationToken.None).ConfigureAwait(false);
            foreach (var record in records.Values)
            {
                record.State = new BenchRow(record.Key.RowKey, 1);
                record.IsDirty = true;
            }

            await writer.CommitAsync("p", [.. records.Values], CancellationToken.None).ConfigureAwait(false);
        }

        var random = new Random(1);
        string[] Sample() => Enumerable.Range(0, Keys).Select(_ => Key(random.Next(Rows))).Distinct().ToArray();

        // Warm up both paths once.
        await ReadWithFiltersAsync(table, "p", Sample()).ConfigureAwait(false);
        await store.ReadAsync("p", Sample(), CancellationToken.None).ConfigureAwait(false);

        double filters = 0, points = 0, single = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var keys = Sample();
            var clock = Stopwatch.StartNew();
            var a = await ReadWithFiltersAsync(table, "p", keys).ConfigureAwait(false);
            filters += clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            var b = await store.ReadAsync("p", keys, CancellationToken.None).ConfigureAwait(false);
            points += clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            await store.GetAsync("p", keys[0], CancellationToken.None).ConfigureAwait(false);
            single += clock.Elapsed.TotalMilliseconds;
            if (a.Count != b.Count || b.Values.Any(r => !r.Exists))
            {
                throw new InvalidOperationException("Both read paths must find every key.");
            }
        }

        var (perFilterBatch, perPointBatch) = (filters / Rounds, points / Rounds);
        Report.Line($"Reads of {Keys} keys in a {Rows}-row partition ({Rounds} rounds): OR filters ({(Keys + 39) / 40} queries) {Report.F(perFilterBatch, "0.0")} ms, " +
            $"point reads ({TableStateStore<BenchRow>.MaxParallelReads} in flight) {Report.F(perPointBatch, "0.0")} ms, one point read {Report.F(single / Rounds, "0.00")} ms");
        Report.Summary($"(reads) 100 keys in a {Rows}-row partition: point reads {Report.F(perPointBatch, "0.0")} ms vs 40-key OR filters {Report.F(perFilterBatch, "0.0")} ms " +
            $"(filters/points = {Report.F(perFilterBatch / perPointBatch, "0.00")})");
    }

    // The former read path (the kit's reads were OR filters before point reads): 40-key OR filters per query, each row parsed.
    private static async Task<Dictionary<string, BenchRow>> ReadWithFiltersAsync(TableClient table, string partitionKey, IReadOnlyCollection<string> rowKeys)
    {
        var result = new Dictionary<string, BenchRow>(rowKeys.Count, StringComparer.Ordinal);
        foreach (var chunk in rowKeys.Distinct(StringComparer.Ordinal).Chunk(40))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}") + " and (" +
                string.Join(" or ", chunk.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}"))) + ")";
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000).ConfigureAwait(false))
            {
                result[entity.RowKey] = JsonSerializer.Deserialize(entity.GetString("State"), BenchJson.Default.BenchRow)!;
            }
        }

        return result;
    }

    private static string Key(int n) => $"row-{n:000000}";
}
