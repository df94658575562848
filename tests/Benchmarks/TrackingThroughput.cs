using Store.Eventing.Hosting;
using Store.Tracking;
using Store.Tracking.Events;
using Store.Tracking.Projections;
using Store.Tracking.State;

namespace Store.Benchmarks;

/// <summary>
/// Tracking's order-view projection (the kit's <see cref="KeyedBatchProcessor{TState}"/>) under four concurrent hubs:
/// placed, reserved, authorised and shipment requested for every order, batches of 100. Shipped configuration (row
/// cache) vs the same processor without the cache; round trips per batch show the coalescing.
/// </summary>
internal static class TrackingThroughput
{
    public static async Task RunAsync(Storage storage, int orders)
    {
        var feeds = Feeds(orders);
        var total = feeds.Sum(f => f.Count);
        Report.Line($"Tracking load: {total} events ({orders} orders x placed, stock reserved, payment authorised, shipment requested), 4 hubs concurrently, batches of 100");
        var cached = await RunAsync(storage, feeds, cache: true).ConfigureAwait(false);
        var uncached = await RunAsync(storage, feeds, cache: false).ConfigureAwait(false);
        Report.Summary($"(a) Tracking: {Report.F(cached.Rate)} events/s with the row cache ({Report.F(cached.ReadsPerBatch, "0.0")} reads + {Report.F(cached.TransactionsPerBatch, "0.0")} transactions per 100-event batch) " +
            $"vs {Report.F(uncached.Rate)} events/s without ({Report.F(uncached.ReadsPerBatch, "0.0")} reads + {Report.F(uncached.TransactionsPerBatch, "0.0")} transactions per batch)");
    }

    private static async Task<(double Rate, double ReadsPerBatch, double TransactionsPerBatch)> RunAsync(Storage storage, List<InboundEvent>[] feeds, bool cache)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEventPublisher>(new NullPublisher());
        services.AddTrackingContext(storage.Configuration((TrackingRegistration.TableNameSetting, "benchtrack" + Guid.NewGuid().ToString("N")[..10])));
        await using var provider = services.BuildServiceProvider();
        var shipped = provider.GetRequiredService<TableStateStore<TrackedOrder>>();
        var processor = cache
            ? provider.GetRequiredService<KeyedBatchProcessor<TrackedOrder>>()
            : provider.CreateKeyedProcessor(new TableStateStore<TrackedOrder>(shipped.Table, TrackingJson.Default.TrackedOrder), provider.GetRequiredService<TrackingProjection>());
        await shipped.EnsureCreatedAsync(CancellationToken.None).ConfigureAwait(false);
        var confirmations = provider.GetRequiredService<OutboxConfirmations>();
        var batches = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(feeds.Select(async feed =>
        {
            foreach (var batch in feed.Chunk(100))
            {
                var result = await processor.ProcessAsync(batch, CancellationToken.None).ConfigureAwait(false);
                if (result.OutboxToken is { } token)
                {
                    confirmations.Confirm(token);
                }

                Interlocked.Increment(ref batches);
            }
        })).ConfigureAwait(false);
        clock.Stop();

        var events = feeds.Sum(f => f.Count);
        var (trips, transactions) = (processor.Store.RoundTrips, processor.Store.Transactions);
        var rate = events / clock.Elapsed.TotalSeconds;
        Report.Line($"  {(cache ? "with row cache (shipped)" : "without row cache")}: {events} events in {Report.F(clock.Elapsed.TotalSeconds, "0.00")} s = {Report.F(rate)} events/s; " +
            $"{trips - transactions} reads, {transactions} transactions for {batches} batches");
        return (rate, (double)(trips - transactions) / batches, (double)transactions / batches);
    }

    private static List<InboundEvent>[] Feeds(int orders)
    {
        var feeds = new[] { new List<InboundEvent>(), new List<InboundEvent>(), new List<InboundEvent>(), new List<InboundEvent>() };
        var lines = new[] { new OrderLine("SKU-1", 1, 10m) };
        var stock = new[] { new StockLine("SKU-1", 1) };
        for (var i = 0; i < orders; i++)
        {
            var id = $"O-{i:000000}";
            var customer = $"C-{i % 500}";
            feeds[0].Add(Inbound.Of($"placed-{i}", CloudEventTypeAttribute.Of<OrderPlaced>(), id, new OrderPlaced(id, customer, lines, 10m, "EUR"), "sales-orders", "0", i + 1));
            feeds[1].Add(Inbound.Of($"reserved-{i}", CloudEventTypeAttribute.Of<StockReserved>(), id, new StockReserved(id, customer, stock), "inventory-stock", "0", i + 1));
            feeds[2].Add(Inbound.Of($"authorized-{i}", CloudEventTypeAttribute.Of<PaymentAuthorized>(), id, new PaymentAuthorized(id, customer, 10m, "EUR"), "payments", "0", i + 1));
            feeds[3].Add(Inbound.Of($"shipment-{i}", CloudEventTypeAttribute.Of<ShipmentRequested>(), id,
                new ShipmentRequested("S-" + id, id, customer, [new ShipmentLine("SKU-1", 1, 10m)]), "fulfillment-shipments", "0", i + 1));
        }

        return feeds;
    }
}
