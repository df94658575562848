using System.Collections.Concurrent;
using System.Net;
using Store.LocalHost.EventLog;
using Store.LocalHost.Functions;
using Store.LocalHost.Hosting;
using Store.LocalHost.Storage;

namespace Store.Benchmarks;

/// <summary>
/// (c) End-to-end latency through the local host (functions/LocalHost: every context's function classes, the in-process
/// Event Hubs log with host.json batching, state in a fresh in-memory Azurite): orders are POSTed to Sales at a fixed
/// rate and the latency is measured from the start of the request to the completion of the Tracking batch that
/// applied the order's order-placed event (the order is then visible at GET /api/orders/{id}).
/// </summary>
internal static class EndToEnd
{
    private const int Seconds = 20;
    private const int Skus = 50;

    /// <summary>Runs one rate; returns its p99 in milliseconds (NaN when no order was seen).</summary>
    public static async Task<double> RunAsync(int Rate)
    {
        await using var azurite = await FreshAzurite.StartAsync(CancellationToken.None).ConfigureAwait(false);
        await using var host = await LocalFunctionsHost.StartAsync(new LocalHostOptions(azurite.ConnectionString) { Error = TextWriter.Null, CountTableEntities = true }, CancellationToken.None).ConfigureAwait(false);
        var started = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var seen = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        void OnBatch(FunctionDescriptor function, IReadOnlyList<StoredEvent> batch)
        {
            if (function.Context != "Tracking" || function.EventHub?.Hub != "sales-orders")
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            foreach (var e in batch)
            {
                using var doc = JsonDocument.Parse(e.Body);
                if (doc.RootElement.TryGetProperty("subject", out var subject) && subject.GetString() is { } id)
                {
                    seen.TryAdd(id, now);
                }
            }
        }

        host.BatchCompleted += OnBatch;
        host.StartConsumers();
        for (var s = 0; s < Skus; s++)
        {
            await host.Http.SendJsonAsync("POST", "/api/stock/receipts", $$"""{"receiptId":"R-{{s}}","sku":"SKU-{{s:000}}","quantity":100000}""", CancellationToken.None).ConfigureAwait(false);
        }

        await host.WaitForQuiescenceAsync(TimeSpan.FromMinutes(2), CancellationToken.None).ConfigureAwait(false);

        var before = host.Stats.ToDictionary(st => st.Context, st => st.TableRequests);
        var entitiesBefore = host.Stats.Sum(st => st.TableEntities);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var azuriteBefore = azurite.ProcessorTime;
        var (allocatedBefore, gen2Before, pauseBefore) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var (jitBefore, workItemsBefore) = (System.Runtime.JitInfo.GetCompilationTime(), ThreadPool.CompletedWorkItemCount);
        var random = new Random(7);
        var total = Rate * Seconds;
        var sends = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        var rejected = 0;
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / Rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
            }

            var id = $"E2E-{i:00000}";
            var json = string.Create(CultureInfo.InvariantCulture,
                $$"""{"orderId":"{{id}}","customerId":"C-{{random.Next(200)}}","lines":[{"sku":"SKU-{{random.Next(Skus):000}}","quantity":{{random.Next(1, 4)}},"unitPrice":12.50}],"currency":"EUR"}""");
            sends.Add(Task.Run(async () =>
            {
                var begin = Stopwatch.GetTimestamp();
                var answer = await host.Http.SendJsonAsync("POST", "/api/orders", json, CancellationToken.None).ConfigureAwait(false);
                if (answer.StatusCode == HttpStatusCode.Accepted)
                {
                    started[id] = begin;
                }
                else
                {
                    Interlocked.Increment(ref rejected);
                }
            }));
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
        var offered = clock.Elapsed;
        await host.WaitForQuiescenceAsync(TimeSpan.FromMinutes(5), CancellationToken.None).ConfigureAwait(false);
        host.BatchCompleted -= OnBatch;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var azuriteCpu = azurite.ProcessorTime - azuriteBefore;
        var gc = $"allocated {Report.F((GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / total, "0")} KiB, GC pause {Report.F((GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds / total, "0.00")} ms per order, {GC.CollectionCount(2) - gen2Before} gen2 GCs; " +
            $"JIT {Report.F((System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds / total, "0.0")} ms and {Report.F((ThreadPool.CompletedWorkItemCount - workItemsBefore) / (double)total, "0")} thread-pool work items per order";
        var perOrder = host.Stats.Select(st =>
        {
            var (r, q, t, o) = st.TableRequests;
            var (r0, q0, t0, o0) = before[st.Context];
            return (st.Context, Reads: (r - r0) / (double)total, Queries: (q - q0) / (double)total, Transactions: (t - t0) / (double)total, Other: (o - o0) / (double)total);
        }).ToList();
        Report.Line("Table requests per order (reads/queries/transactions/other): " + string.Join(", ", perOrder.Select(p =>
            $"{p.Context} {Report.F(p.Reads, "0.0")}/{Report.F(p.Queries, "0.0")}/{Report.F(p.Transactions, "0.0")}/{Report.F(p.Other, "0.0")}")) +
            $"; total {Report.F(perOrder.Sum(p => p.Reads + p.Queries + p.Transactions + p.Other), "0.0")} per order; .NET CPU {Report.F(cpu.TotalMilliseconds / total, "0.0")} ms per order; " + gc);

        var latencies = started.Where(s => seen.ContainsKey(s.Key))
            .Select(s => Stopwatch.GetElapsedTime(s.Value, seen[s.Key]).TotalMilliseconds).Order().ToArray();
        var missing = started.Count - latencies.Length;
        Report.Line($"Local host, {total} orders at {Rate}/s over {Report.F(offered.TotalSeconds, "0.0")} s ({rejected} not accepted, {missing} accepted but never seen by Tracking); " +
            $"contexts: {string.Join(", ", host.Stats.Select(s => $"{s.Context} {s.Processed}"))}");
        var p99 = Report.Percentile(latencies, 0.99);
        Report.Summary($"(c) End to end (LocalHost, POST /api/orders -> Tracking view, {Rate} orders/s for {Seconds} s, {latencies.Length} orders): " +
            $"p50 {Report.F(Report.Percentile(latencies, 0.50))} ms, p99 {Report.F(p99)} ms, max {Report.F(latencies.Length == 0 ? double.NaN : latencies[^1])} ms, " +
            $"{Report.F(perOrder.Sum(p => p.Reads + p.Queries + p.Transactions + p.Other), "0.0")} Table requests ({Report.F((host.Stats.Sum(st => st.TableEntities) - entitiesBefore) / (double)total, "0.0")} entities) and {Report.F(cpu.TotalMilliseconds / total, "0.0")} ms .NET CPU and {Report.F(azuriteCpu.TotalMilliseconds / total, "0.0")} ms Azurite CPU per order");
        return missing == 0 && rejected == 0 ? p99 : double.NaN;
    }

    /// <summary>Runs each rate in turn (each on a fresh Azurite and host) and names the highest that kept p99 under 1 s.</summary>
    public static async Task RunRatesAsync(IReadOnlyList<int> rates)
    {
        var kept = new List<int>();
        foreach (var rate in rates)
        {
            var p99 = await RunAsync(rate).ConfigureAwait(false);
            if (p99 < 1000)
            {
                kept.Add(rate);
            }
        }

        Report.Summary(kept.Count == 0
            ? $"(c) End to end: no rate of {string.Join(", ", rates)} orders/s kept p99 under 1 s"
            : $"(c) End to end: highest rate with p99 under 1 s: {kept.Max()} orders/s (tried {string.Join(", ", rates)})");
    }
}
