using Store.Inventory.Tests.Decisions;
using Xunit.Abstractions;
using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Functions;

/// <summary>
/// Partitions processed concurrently against one Azurite stock partition by two app instances (two DI containers, as two
/// processes: within one process batches take turns, between processes only ETags prevent overselling).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StockConcurrencyTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Rounds = 5;

    [Fact]
    public async Task TwoSalesPartitionsCompetingForAScarceSku_NeverOversell_AndDecideEveryOrderExactlyOnce()
    {
        var conflicts = 0;
        for (var round = 0; round < Rounds; round++)
        {
            using var app = InventoryTestApp.Create(azurite);
            using var other = app.Restarted();
            await app.OnStock("0", app.Stock(Receipt("r1", "HOT", 25)), app.Stock(Receipt("r2", "COLD", 1000)));
            var rng = new Random(round);
            var p0 = Orders(app, "p0", rng);
            var p1 = Orders(app, "p1", rng);

            var outcomes = await Task.WhenAll(
                RunAsync(p0.Chunk(10), batch => app.OnSalesOrders("0", batch)),
                RunAsync(p1.Chunk(10), batch => other.OnSalesOrders("1", batch)));
            conflicts += outcomes.SelectMany(o => o).Sum(o => o.Conflicts);

            var rows = await app.RowsAsync();
            var hot = rows[StockKeys.Sku("HOT")].State!.Sku!;
            var orders = rows.Values.Select(r => r.State!.Order).OfType<SagaOrder>().ToArray();
            Assert.Equal(80, orders.Length);
            Assert.All(orders, o => Assert.Contains(o.Status, new OrderStatus?[] { OrderStatus.Reserved, OrderStatus.Rejected }));
            AssertStock(hot, orders);
            Assert.True(hot.Reserved <= hot.Received, $"oversold: {hot}");

            // Every order was decided exactly once, and the published decisions match the committed state.
            var reserved = Published<StockReserved>(InventoryEventTypes.StockReserved, app, other).Select(r => r.OrderId).ToArray();
            var rejected = Published<StockReservationRejected>(InventoryEventTypes.StockReservationRejected, app, other).Select(r => r.OrderId).ToArray();
            Assert.Equal(reserved.Length, reserved.Distinct().Count());
            Assert.Equal(rejected.Length, rejected.Distinct().Count());
            Assert.Empty(reserved.Intersect(rejected));
            Assert.Equal(orders.Where(o => o.Status == OrderStatus.Reserved).Select(o => o.OrderId).Order(), reserved.Order());
            Assert.Equal(80, reserved.Length + rejected.Length);
            Assert.True(hot.Available < 3, $"stock left although orders were rejected: {hot}");
        }

        output.WriteLine($"ETag conflicts resolved over {Rounds} rounds: {conflicts}");
    }

    [Fact]
    public async Task OrdersDeclinesShipmentsAndReceiptsOnFourConcurrentPartitions_KeepEveryInvariant()
    {
        for (var round = 0; round < Rounds; round++)
        {
            using var app = InventoryTestApp.Create(azurite);
            using var other = app.Restarted();
            await app.OnStock("0", app.Stock(Receipt("r0", "HOT", 10)));
            var rng = new Random(100 + round);
            var orders = Orders(app, "o", rng, count: 60);
            var ids = Enumerable.Range(0, 60).Select(i => $"o-{i}").ToArray();
            var declines = ids.Where(_ => rng.NextDouble() < 0.4).Select(id => app.Declined(Decline(id))).ToArray();
            var shipments = ids.Where(_ => rng.NextDouble() < 0.4).Select(id => app.Shipped(Shipment(id))).ToArray();
            var receipts = Enumerable.Range(1, 20).Select(i => app.Stock(Receipt($"r{i}", "HOT", 2))).ToArray();

            await Task.WhenAll(
                RunAsync(orders.Chunk(7), batch => app.OnSalesOrders("0", batch)),
                RunAsync(declines.Chunk(5), batch => other.OnPayments("1", batch)),
                RunAsync(shipments.Chunk(5), batch => other.OnShipments("2", batch)),
                RunAsync(receipts.Chunk(3), batch => app.OnStock("3", batch)));

            var rows = await app.RowsAsync();
            var hot = rows[StockKeys.Sku("HOT")].State!.Sku!;
            var all = rows.Values.Select(r => r.State!.Order).OfType<SagaOrder>().ToArray();
            Assert.Equal(50, hot.Received);
            AssertStock(hot, all);

            var reserved = Published<StockReserved>(InventoryEventTypes.StockReserved, app, other).Select(r => r.OrderId).ToArray();
            var rejected = Published<StockReservationRejected>(InventoryEventTypes.StockReservationRejected, app, other).Select(r => r.OrderId).ToArray();
            var released = Published<StockReleased>(InventoryEventTypes.StockReleased, app, other).Select(r => r.OrderId).ToArray();
            Assert.Equal(reserved.Length, reserved.Distinct().Count());
            Assert.Equal(released.Length, released.Distinct().Count());
            Assert.Empty(reserved.Intersect(rejected));
            Assert.Subset(reserved.ToHashSet(), released.ToHashSet());
            foreach (var order in all)
            {
                var decided = reserved.Count(id => id == order.OrderId) + rejected.Count(id => id == order.OrderId);
                Assert.Equal(order.Status == OrderStatus.Voided ? 0 : 1, decided);
                Assert.Equal(order.Status == OrderStatus.Released, released.Contains(order.OrderId));
            }
        }
    }

    /// <summary>Random sequences through the real functions in random batches with immediate batch redelivery converge to the pure model.</summary>
    [Fact]
    public async Task RandomSequencesInRandomBatches_WithRedelivery_ConvergeToThePureModel()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            using var app = InventoryTestApp.Create(azurite);
            var rng = new Random(seed);
            var events = InventoryInvariantPropertyTests.RandomSequence(rng, maxOrders: 12);
            var model = new InMemoryStock();
            var tracker = new InventoryInvariantPropertyTests.OutputTracker();
            var i = 0;
            while (i < events.Count)
            {
                var hub = HubOf(events[i]);
                var batch = events.Skip(i).Take(rng.Next(1, 8)).TakeWhile(e => HubOf(e) == hub).ToList();
                i += batch.Count;
                var deliveries = rng.NextDouble() < 0.25 ? 2 : 1;
                for (var d = 0; d < deliveries; d++)
                {
                    var data = batch.Select(e => ToEventData(app, e)).ToArray();
                    await Deliver(app, hub, data);
                    foreach (var output in batch.SelectMany(e => model.Apply(e).Published))
                    {
                        tracker.Record(output, $"seed {seed}");
                    }
                }
            }

            var rows = await app.RowsAsync();
            var context = $"seed {seed}";
            Assert.Equal(
                model.Skus.Values.OrderBy(s => s.Sku, StringComparer.Ordinal),
                rows.Values.Select(r => r.State!.Sku).OfType<SkuStock>().OrderBy(s => s.Sku, StringComparer.Ordinal));
            Assert.Equal(
                model.Orders.Values.Select(o => (o.OrderId, o.Status)).Order(),
                rows.Values.Select(r => r.State!.Order).OfType<SagaOrder>().Select(o => (o.OrderId, o.Status)).Order());
            InventoryInvariantPropertyTests.AssertInvariants(model, tracker, context);
            var distinctOutputs = app.Publisher.To("inventory-stock").Select(e => e.Id).Distinct().Count();
            Assert.Equal(tracker.Reserved.Count + tracker.Rejected.Count + tracker.Released.Count, distinctOutputs);
        }
    }

    /// <summary>What both instances published, once per event id (an instance may re-publish another's unconfirmed outbox).</summary>
    private static IEnumerable<T> Published<T>(string type, params TestApp[] apps) =>
        apps.SelectMany(a => a.Publisher.To("inventory-stock").Where(e => e.Type == type).Select(e => (a, e)))
            .DistinctBy(x => x.e.Id)
            .Select(x => (T)x.a.Codec.Decode(x.e.Body).Event!.Data);

    private static string HubOf(object e) => e switch
    {
        StockReceived => "inventory-stock",
        OrderPlaced => "sales-orders",
        PaymentDeclined => "payments",
        _ => "fulfillment-shipments",
    };

    private static EventData ToEventData(TestApp app, object e) => e switch
    {
        StockReceived r => app.Stock(r),
        OrderPlaced o => app.Placed(o),
        OrderWithdrawn w => app.Withdrawn(w),
        PaymentDeclined p => app.Declined(p),
        ShipmentRequested s => app.Shipped(s),
        _ => throw new ArgumentException(e.GetType().Name),
    };

    private static Task<BatchOutcome> Deliver(TestApp app, string hub, EventData[] data) => hub switch
    {
        "inventory-stock" => app.OnStock("0", data),
        "sales-orders" => app.OnSalesOrders("0", data),
        "payments" => app.OnPayments("0", data),
        _ => app.OnShipments("0", data),
    };

    private static EventData[] Orders(TestApp app, string prefix, Random rng, int count = 40) =>
        Enumerable.Range(0, count)
            .Select(i => app.Placed(rng.NextDouble() < 0.5
                ? Order($"{prefix}-{i}", ("HOT", rng.Next(1, 4)))
                : Order($"{prefix}-{i}", ("COLD", 1), ("HOT", rng.Next(1, 3)), ("HOT", 1))))
            .ToArray();

    private static async Task<List<BatchOutcome>> RunAsync(IEnumerable<EventData[]> batches, Func<EventData[], Task<BatchOutcome>> run)
    {
        await Task.Yield();
        var outcomes = new List<BatchOutcome>();
        foreach (var batch in batches)
        {
            outcomes.Add(await run(batch));
        }

        return outcomes;
    }

    private static void AssertStock(SkuStock sku, IEnumerable<SagaOrder> orders)
    {
        Assert.True(sku.Available >= 0, $"negative available: {sku}");
        Assert.Equal(sku.Received, sku.Available + sku.Reserved + sku.Committed);
        var list = orders.ToArray();
        Assert.Equal(sku.Reserved, Held(list, sku.Sku, OrderStatus.Reserved));
        Assert.Equal(sku.Committed, Held(list, sku.Sku, OrderStatus.Committed));
    }

    private static long Held(IEnumerable<SagaOrder> orders, string sku, OrderStatus status) =>
        orders.Where(o => o.Status == status).SelectMany(o => o.Lines).Where(l => l.Sku == sku).Sum(l => (long)l.Quantity);
}
