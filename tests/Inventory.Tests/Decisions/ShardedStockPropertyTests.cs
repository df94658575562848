using CsCheck;
using Store.Inventory.Decisions;
using Store.Inventory.Events;
using Store.Inventory.State;
using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Decisions;

/// <summary>
/// The sharded reservation saga (<see cref="ShardedStockDecisions"/>) at N = 1 and N = 4 shards, in memory: random
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
        var world = new World(4);
        world.Input(Receipt("r1", a, 5));
        world.Input(Receipt("r2", b, 1));
        world.Input(Order("o1", (a, 2), (b, 3)));
        world.Drain();

        var rejected = Assert.IsType<StockReservationRejected>(Assert.Single(world.Published));
        Assert.Equal([new ShortLine(b, 3, 1)], rejected.ShortLines);
        Assert.Equal(new SkuStock(a, 5, 0, 0, 5), world.SkuRow(a));
        Assert.All(world.PartRows("o1"), p => Assert.Contains(p.Status, new[] { PartStatus.Rejected, PartStatus.Released }));
    }

    private static void Run(int seed, int shards)
    {
        var rng = new Random(seed);
        var world = new World(shards);
        var inputs = Scenario(rng);
        var tracker = new InventoryInvariantPropertyTests.OutputTracker();
        var next = 0;
        for (var step = 0; next < inputs.Count || world.Pending > 0; step++)
        {
            var context = $"seed {seed}, step {step}";
            if (next < inputs.Count && (world.Pending == 0 || rng.NextDouble() < 0.4))
            {
                var input = inputs[next++];
                if (rng.NextDouble() < 0.1)
                {
                    inputs.Insert(rng.Next(next, inputs.Count + 1), input); // crash before the commit, or a redelivery
                }

                world.Input(input, tracker, context);
            }
            else
            {
                world.DeliverRandom(rng, tracker, context);
            }

            world.AssertInvariants(context);
        }

        world.AssertSettled(tracker, $"seed {seed}");
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

    /// <summary>N shards' rows and the messages between them (each decision is applied atomically to one shard, as an ETag-conditioned transaction is).</summary>
    private sealed class World(int shards)
    {
        private readonly Shard[] _shards = [.. Enumerable.Range(0, shards).Select(i => new Shard(i))];
        private readonly List<(int Shard, object Message)> _bag = [];

        public List<object> Published { get; } = [];

        public int Pending => _bag.Count;

        public SkuStock? SkuRow(string sku) => _shards[StockShards.Of(sku, shards)].Sku(sku);

        public IEnumerable<OrderPart> PartRows(string orderId) => _shards.Select(s => s.Part(orderId)).OfType<OrderPart>();

        public void Input(object data, InventoryInvariantPropertyTests.OutputTracker? tracker = null, string context = "")
        {
            var shard = data switch
            {
                StockReceived r => StockShards.Of(r.Sku, shards),
                OrderPlaced o => StockShards.Of(o.OrderId, shards),
                OrderWithdrawn w => StockShards.Of(w.OrderId, shards),
                PaymentDeclined d => StockShards.Of(d.OrderId, shards),
                ShipmentRequested s => StockShards.Of(s.OrderId, shards),
                _ => throw new ArgumentException(data.GetType().Name),
            };
            Apply(shard, data, tracker, context);
        }

        public void DeliverRandom(Random rng, InventoryInvariantPropertyTests.OutputTracker tracker, string context)
        {
            var i = rng.Next(_bag.Count);
            var (shard, message) = _bag[i];
            var roll = rng.NextDouble();
            if (roll < 0.1)
            {
                return; // the consumer crashed before its commit: the message is delivered again later
            }

            if (roll >= 0.25)
            {
                _bag.RemoveAt(i); // else: delivered, and delivered again later (at-least-once)
            }

            Apply(shard, message, tracker, context);
        }

        public void Drain()
        {
            while (_bag.Count > 0)
            {
                var (shard, message) = _bag[0];
                _bag.RemoveAt(0);
                Apply(shard, message, null, "");
            }
        }

        private void Apply(int shard, object data, InventoryInvariantPropertyTests.OutputTracker? tracker, string context)
        {
            var decision = ShardedStockDecisions.Decide(_shards[shard], shard, shards, data) ?? throw new ArgumentException(data.GetType().Name);
            if (decision.Violation is not null)
            {
                Assert.True(data is ShipmentRequested, $"{decision.Violation} at {context}");
                return;
            }

            _shards[shard].Apply(decision);
            foreach (var output in decision.Outputs)
            {
                switch (output)
                {
                    case ReservePart m:
                        _bag.Add((m.Shard, m));
                        break;
                    case PartDecided m:
                        _bag.Add((m.Home, m));
                        break;
                    case ReleasePart m:
                        _bag.Add((m.Shard, m));
                        break;
                    case CommitPart m:
                        _bag.Add((m.Shard, m));
                        break;
                    default:
                        Published.Add(output);
                        tracker?.Record(output, context);
                        break;
                }
            }
        }

        public void AssertInvariants(string context)
        {
            foreach (var shard in _shards)
            {
                foreach (var sku in shard.Skus.Values)
                {
                    Assert.True(sku.Available >= 0 && sku.Reserved >= 0 && sku.Committed >= 0, $"negative stock {sku} in shard {shard.Index} at {context}");
                    Assert.True(sku.Received == sku.Available + sku.Reserved + sku.Committed, $"received != available + reserved + committed: {sku} at {context}");
                    Assert.Equal(StockShards.Of(sku.Sku, shards), shard.Index);
                    Assert.True(sku.Reserved == Held(shard, sku.Sku, PartStatus.Reserved), $"reserved != reserved parts: {sku} at {context}");
                    Assert.True(sku.Committed == Held(shard, sku.Sku, PartStatus.Committed), $"committed != committed parts: {sku} at {context}");
                    Assert.True(sku.Received == shard.Receipts.Values.Where(r => r.Sku == sku.Sku).Sum(r => (long)r.Quantity), $"received != receipts: {sku} at {context}");
                }
            }
        }

        /// <summary>After every message is delivered: each order's parts agree with its outcome; none is left reserving.</summary>
        public void AssertSettled(InventoryInvariantPropertyTests.OutputTracker tracker, string context)
        {
            foreach (var order in _shards.SelectMany(s => s.Orders.Values))
            {
                var parts = PartRows(order.OrderId).ToArray();
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

        private static long Held(Shard shard, string sku, PartStatus status) =>
            shard.Parts.Values.Where(p => p.Status == status).SelectMany(p => p.Lines).Where(l => l.Sku == sku).Sum(l => (long)l.Quantity);
    }

    private sealed class Shard(int index) : IShardView
    {
        public int Index => index;

        public Dictionary<string, SkuStock> Skus { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SagaOrder> Orders { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, OrderPart> Parts { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, ReceiptRecord> Receipts { get; } = new(StringComparer.Ordinal);

        public SkuStock? Sku(string sku) => Skus.GetValueOrDefault(sku);

        public SagaOrder? Order(string orderId) => Orders.GetValueOrDefault(orderId);

        public OrderPart? Part(string orderId) => Parts.GetValueOrDefault(orderId);

        public ReceiptRecord? Receipt(string receiptId) => Receipts.GetValueOrDefault(receiptId);

        public void Apply(ShardDecision decision)
        {
            foreach (var sku in decision.Skus)
            {
                Skus[sku.Sku] = sku;
            }

            if (decision.Order is { } order)
            {
                Orders[order.OrderId] = order;
            }

            if (decision.Part is { } part)
            {
                Parts[part.OrderId] = part;
            }

            if (decision.Receipt is { } receipt)
            {
                Receipts[receipt.ReceiptId] = receipt;
            }
        }
    }
}
