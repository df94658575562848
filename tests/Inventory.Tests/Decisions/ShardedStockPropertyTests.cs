using CsCheck;
using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Decisions;

/// <summary>
/// The sharded reservation saga (<see cref="StockSaga"/>) at N = 1 and N = 4 shards, in memory: random
/// scenarios run under random interleavings of inputs and inter-shard messages, with redelivery (duplicates), crashes
/// before a commit (the input or message stays and comes again) and crashes between commit and publish (the outbox is
/// published later, in any order), checking the invariants after every step and compensation at the end. A failure
/// prints CsCheck's seed and the shrunk case.
/// </summary>
public sealed class ShardedStockPropertyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Saga_KeepsEveryInvariant_UnderInterleavingsRedeliveryAndCrashes(int shards) =>
        Gen.Int[0, 1_000_000].Sample(seed => Run(seed, shards), iter: 400, threads: 1, print: seed => $"seed {seed}, {shards} shards");

    [Fact]
    public void Shards_AreStableAndSpread()
    {
        var counts = new int[4];
        for (var i = 0; i < 4000; i++)
        {
            counts[StockShards.Of($"SKU-{i}", 4)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
        Assert.Equal(StockShards.Of("SKU-7", 4), StockShards.Of("SKU-7", 4));
        Assert.Equal("stock", StockShards.Partition(0, 1));
        Assert.Equal("stock-3", StockShards.Partition(3, 4));
    }

    [Fact]
    public void AnOrderSpanningShards_WithOneShortShard_IsRejectedWithItsShortLines_AndTheReservedShardIsReleased()
    {
        var (a, b) = SkusInDifferentShards(4);
        var stock = new InMemoryStock(4).With(Receipt("r1", a, 5), Receipt("r2", b, 1));

        var decision = stock.Apply(Order("o1", (a, 2), (b, 3)));

        var rejected = Assert.IsType<StockReservationRejected>(decision.Output);
        Assert.Equal([new ShortLine(b, 3, 1)], rejected.ShortLines);
        Assert.Equal(new SkuStock(a, 5, 0, 0, 5), stock.Skus[a]);
        Assert.All(stock.PartsOf("o1"), p => Assert.Contains(p.Status, new[] { PartStatus.Rejected, PartStatus.Released }));
    }

    private static void Run(int seed, int shards)
    {
        var rng = new Random(seed);
        var stock = new InMemoryStock(shards);
        var inputs = Scenario(rng);
        var tracker = new InventoryInvariantPropertyTests.OutputTracker();
        var next = 0;
        for (var step = 0; next < inputs.Count || stock.Pending > 0; step++)
        {
            var context = $"seed {seed}, step {step}";
            object? input = null;
            ShardDecision decision;
            if (next < inputs.Count && (stock.Pending == 0 || rng.NextDouble() < 0.4))
            {
                input = inputs[next++];
                if (rng.NextDouble() < 0.1)
                {
                    inputs.Insert(rng.Next(next, inputs.Count + 1), input); // crash before the commit, or a redelivery
                }

                decision = stock.Input(input);
            }
            else
            {
                var i = rng.Next(stock.Pending);
                var roll = rng.NextDouble();
                if (roll < 0.1)
                {
                    continue; // the consumer crashed before its commit: the message is delivered again later
                }

                decision = stock.Deliver(i, again: roll < 0.25); // at-least-once: sometimes delivered again later
            }

            Assert.True(decision.Violation is null || input is ShipmentRequested, $"{decision.Violation} at {context}");
            foreach (var output in InMemoryStock.PublicOutputs(decision))
            {
                tracker.Record(output, context);
            }

            AssertInvariants(stock, context);
        }

        AssertSettled(stock, tracker, $"seed {seed}");
    }

    private static List<object> Scenario(Random rng)
    {
        var skus = Enumerable.Range(0, rng.Next(2, 9)).Select(i => $"SKU-{i}").ToArray();
        var events = new List<object>();
        for (var i = rng.Next(1, 8); i > 0; i--)
        {
            events.Add(Receipt($"r{i}", skus[rng.Next(skus.Length)], rng.Next(1, 8)));
        }

        for (var o = rng.Next(2, 12); o > 0; o--)
        {
            var id = $"o{o}";
            events.Add(Order(id, Enumerable.Range(0, rng.Next(1, 5)).Select(_ => (skus[rng.Next(skus.Length)], rng.Next(1, 5))).ToArray()));
            if (rng.NextDouble() < 0.3)
            {
                events.Add(rng.NextDouble() < 0.5 ? Withdraw(id) : Decline(id));
            }
            else if (rng.NextDouble() < 0.5)
            {
                events.Add(Shipment(id));
            }
        }

        for (var i = 0; i < events.Count / 3; i++)
        {
            var x = rng.Next(events.Count);
            var y = Math.Clamp(x + rng.Next(-3, 4), 0, events.Count - 1);
            (events[x], events[y]) = (events[y], events[x]);
        }

        return events;
    }

    private static (string A, string B) SkusInDifferentShards(int shards)
    {
        var a = "SKU-0";
        var b = Enumerable.Range(1, 100).Select(i => $"SKU-{i}").First(s => StockShards.Of(s, shards) != StockShards.Of(a, shards));
        return (a, b);
    }

    /// <summary>
    /// Every shard's SKU rows balance, sit in their shard, and hold exactly the reserved and committed lines of the parts
    /// in that shard (the home's own part in its order row, remote parts in part rows); a home keeps no part row.
    /// </summary>
    private static void AssertInvariants(InMemoryStock stock, string context)
    {
        foreach (var shard in stock.Shards)
        {
            Assert.True(shard.Parts.Keys.All(id => StockShards.Of(id, stock.ShardCount) != shard.Index), $"a part row in its order's home shard {shard.Index} at {context}");
            var parts = shard.Parts.Values.Concat(shard.Orders.Values.SelectMany(o => o.Parts).Where(p => p.Shard == shard.Index)).ToArray();
            foreach (var sku in shard.Skus.Values)
            {
                Assert.True(sku.Available >= 0 && sku.Reserved >= 0 && sku.Committed >= 0, $"negative stock {sku} in shard {shard.Index} at {context}");
                Assert.True(sku.Received == sku.Available + sku.Reserved + sku.Committed, $"received != available + reserved + committed: {sku} at {context}");
                Assert.Equal(StockShards.Of(sku.Sku, stock.ShardCount), shard.Index);
                Assert.True(sku.Reserved == Held(parts, sku.Sku, PartStatus.Reserved), $"reserved != reserved parts: {sku} at {context}");
                Assert.True(sku.Committed == Held(parts, sku.Sku, PartStatus.Committed), $"committed != committed parts: {sku} at {context}");
                Assert.True(sku.Received == shard.Receipts.Values.Where(r => r.Sku == sku.Sku).Sum(r => (long)r.Quantity), $"received != receipts: {sku} at {context}");
            }
        }
    }

    /// <summary>After every message is delivered: each order's parts agree with its outcome; none is left reserving.</summary>
    private static void AssertSettled(InMemoryStock stock, InventoryInvariantPropertyTests.OutputTracker tracker, string context)
    {
        foreach (var order in stock.Orders.Values)
        {
            var parts = stock.PartsOf(order.OrderId).ToArray();
            PartStatus[] allowed = order.Status switch
            {
                OrderStatus.Reserved => [PartStatus.Reserved],
                OrderStatus.Committed => [PartStatus.Committed],
                OrderStatus.Released => [PartStatus.Released],
                OrderStatus.Rejected => [PartStatus.Rejected, PartStatus.Released],
                OrderStatus.Voided => [],
                _ => throw new Xunit.Sdk.XunitException($"order {order.OrderId} still reserving at {context}: {order}"),
            };
            Assert.True(parts.All(p => allowed.Contains(p.Status)), $"order {order.OrderId} is {order.Status} but its parts are {string.Join(", ", parts.Select(p => p.Shard + ":" + p.Status))} at {context}");
            var decided = tracker.Reserved.Count(id => id == order.OrderId) + tracker.Rejected.Count(id => id == order.OrderId);
            Assert.Equal(order.Status == OrderStatus.Voided ? 0 : 1, decided);
            Assert.Equal(order.Status == OrderStatus.Released, tracker.Released.Contains(order.OrderId));
        }
    }

    private static long Held(IEnumerable<OrderPart> parts, string sku, PartStatus status) =>
        parts.Where(p => p.Status == status).SelectMany(p => p.Lines).Where(l => l.Sku == sku).Sum(l => (long)l.Quantity);
}
