using static Store.Inventory.Tests.InventoryTestData;

namespace Store.Inventory.Tests.Decisions;

/// <summary>
/// Property-style tests: hundreds of seeded random sequences of receipts, orders, cancels, declines and shipments,
/// in any order and with duplicates, checking Inventory's invariants after every step, at N = 1 and N = 4 stock shards
/// (each event's saga messages delivered before the next event; interleavings: <see cref="ShardedStockPropertyTests"/>).
/// </summary>
public sealed class InventoryInvariantPropertyTests
{
    private const int Sequences = 500;

    /// <summary>A random scenario: events in a random order (so releases and shipments may precede the order) with duplicates.</summary>
    internal static List<object> RandomSequence(Random rng, int maxOrders = 10)
    {
        string[] all = ["A", "B", "C", "D"];
        var skus = all[..rng.Next(2, 5)];
        var events = new List<object>();
        for (var i = rng.Next(1, 7); i > 0; i--)
        {
            events.Add(Receipt($"r{i}", skus[rng.Next(skus.Length)], rng.Next(1, 8)));
        }

        for (var o = rng.Next(2, maxOrders + 1); o > 0; o--)
        {
            var id = $"o{o}";
            events.Add(Order(id, Enumerable.Range(0, rng.Next(1, 5)).Select(_ => (skus[rng.Next(skus.Length)], rng.Next(1, 5))).ToArray()));
            if (rng.NextDouble() < 0.35)
            {
                events.Add(Withdraw(id));
            }

            if (rng.NextDouble() < 0.3)
            {
                events.Add(Decline(id));
            }

            if (rng.NextDouble() < 0.5)
            {
                events.Add(Shipment(id));
            }
        }

        // Mostly causal order with local reorderings, sometimes a full shuffle.
        if (rng.NextDouble() < 0.3)
        {
            rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events));
        }
        else
        {
            for (var i = 0; i < events.Count / 3; i++)
            {
                var a = rng.Next(events.Count);
                var b = Math.Clamp(a + rng.Next(-3, 4), 0, events.Count - 1);
                (events[a], events[b]) = (events[b], events[a]);
            }
        }

        // Duplicates: redeliver some events later.
        for (var i = rng.Next(0, events.Count / 2 + 1); i > 0; i--)
        {
            var copy = events[rng.Next(events.Count)];
            events.Insert(rng.Next(events.IndexOf(copy), events.Count + 1), copy);
        }

        return events;
    }

    /// <summary>
    /// The <see cref="Sequences"/> random sequences the properties are checked on, each with the seed that makes it
    /// and a fresh stock of <paramref name="shards"/> shards to apply it to.
    /// </summary>
    private static IEnumerable<(int Seed, List<object> Events, InMemoryStock Stock)> SeededSequences(int shards)
    {
        for (var seed = 0; seed < Sequences; seed++)
        {
            yield return (seed, RandomSequence(new Random(seed)), new InMemoryStock(shards));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Invariants_HoldAfterEveryStep_OfRandomInterleavingsWithDuplicates(int shards)
    {
        foreach (var (seed, events, stock) in SeededSequences(shards))
        {
            var tracker = new OutputTracker();
            for (var step = 0; step < events.Count; step++)
            {
                var before = Snapshot(stock);
                var decision = stock.Apply(events[step]);
                var context = $"seed {seed}, step {step} ({events[step]})";
                if (decision.Violation is not null)
                {
                    Assert.True(before == Snapshot(stock), "a rule violation changed state: " + context);
                }

                foreach (var output in decision.Published)
                {
                    tracker.Record(output, context);
                }

                // One shard: every event is one transaction of its order (or receipt) row and the SKU rows it moves, no message, no part row.
                Assert.True(shards > 1 || decision.Decisions is [{ Part: null }], "N = 1 sent a saga message or wrote a part row: " + context);
                AssertInvariants(stock, tracker, context);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void ImmediateRedelivery_OfEveryEvent_IsANoOpOrTheSameViolation(int shards)
    {
        foreach (var (seed, events, stock) in SeededSequences(shards))
        {
            foreach (var e in events)
            {
                var first = stock.Apply(e);
                var before = Snapshot(stock);
                var again = stock.Apply(e);
                Assert.True(again.IsNoOp || (first.Violation is not null && again.Violation == first.Violation), $"seed {seed}: redelivered {e} did something");
                Assert.Equal(before, Snapshot(stock));
            }
        }
    }

    /// <summary>
    /// Redelivering everything later: every event that was applied is a no-op. (A dead-lettered event is not remembered,
    /// so it is not redelivered here: e.g. a shipment dead-lettered because it overtook its order would commit now.)
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void RedeliveringAWholeSequenceLater_ChangesNothing_AndEmitsNothing(int shards)
    {
        foreach (var (seed, events, stock) in SeededSequences(shards))
        {
            var applied = events.Where(e => stock.Apply(e).Violation is null).ToHashSet(ReferenceEqualityComparer.Instance);
            var before = Snapshot(stock);

            foreach (var e in events.Where(applied.Contains))
            {
                var decision = stock.Apply(e);
                Assert.True(decision.IsNoOp || decision.Violation is not null, $"seed {seed}: redelivered {e} did something");
            }

            Assert.Equal(before, Snapshot(stock));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void EveryPlacedOrder_EndsDecidedExactlyOnce(int shards)
    {
        foreach (var (seed, events, stock) in SeededSequences(shards))
        {
            var tracker = new OutputTracker();
            foreach (var e in events)
            {
                foreach (var output in stock.Apply(e).Published)
                {
                    tracker.Record(output, $"seed {seed}");
                }
            }

            foreach (var placed in events.OfType<OrderPlaced>().Select(o => o.OrderId).Distinct())
            {
                var status = stock.Orders[placed].Status;
                var decisions = tracker.Reserved.Count(id => id == placed) + tracker.Rejected.Count(id => id == placed);

                // Voided: a release overtook the order, which is then neither reserved nor rejected (documented).
                Assert.Equal(status == OrderStatus.Voided ? 0 : 1, decisions);
            }
        }
    }

    internal static void AssertInvariants(InMemoryStock stock, OutputTracker tracker, string context)
    {
        foreach (var sku in stock.Skus.Values)
        {
            Assert.True(sku.Available >= 0 && sku.Reserved >= 0 && sku.Committed >= 0, "negative stock: " + sku + " at " + context);
            Assert.True(sku.Received == sku.Available + sku.Reserved + sku.Committed, "received != available + reserved + committed: " + sku + " at " + context);
            Assert.True(sku.Received == stock.Receipts.Values.Where(r => r.Sku == sku.Sku).Sum(r => (long)r.Quantity), "received != applied receipts: " + context);
            Assert.True(sku.Reserved == Held(stock, sku.Sku, OrderStatus.Reserved), "reserved != reserved orders' lines: " + context);
            Assert.True(sku.Committed == Held(stock, sku.Sku, OrderStatus.Committed), "committed != committed orders' lines: " + context);
        }
    }

    private static long Held(InMemoryStock stock, string sku, OrderStatus status) =>
        stock.Orders.Values.Where(o => o.Status == status).SelectMany(o => o.Lines).Where(l => l.Sku == sku).Sum(l => (long)l.Quantity);

    private static string Snapshot(InMemoryStock stock) =>
        string.Join(";", stock.Skus.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value.ToString())) + "|" +
        string.Join(";", stock.Orders.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}:{o.Value.Status}:{string.Join(',', o.Value.Lines)}")) + "|" +
        string.Join(";", stock.Receipts.Keys.Order(StringComparer.Ordinal)) + "|" +
        string.Join(";", stock.Shards.SelectMany(s => s.Parts.Values.Select(p => $"{s.Index}:{p.OrderId}:{p.Status}")).Order(StringComparer.Ordinal));

    /// <summary>Checks output-level invariants: reserved at most once, rejected or reserved not both, released at most once and only after a reservation.</summary>
    internal sealed class OutputTracker
    {
        public List<string> Reserved { get; } = [];

        public List<string> Rejected { get; } = [];

        public List<string> Released { get; } = [];

        public void Record(object? output, string context)
        {
            switch (output)
            {
                case StockReserved r:
                    Assert.DoesNotContain(r.OrderId, Reserved);
                    Assert.DoesNotContain(r.OrderId, Rejected);
                    Reserved.Add(r.OrderId);
                    break;
                case StockReservationRejected r:
                    Assert.DoesNotContain(r.OrderId, Reserved);
                    Assert.DoesNotContain(r.OrderId, Rejected);
                    Assert.NotEmpty(r.ShortLines);
                    Rejected.Add(r.OrderId);
                    break;
                case StockReleased r:
                    Assert.True(Reserved.Contains(r.OrderId), "released an order never reserved: " + context);
                    Assert.DoesNotContain(r.OrderId, Released);
                    Released.Add(r.OrderId);
                    break;
            }
        }
    }
}
