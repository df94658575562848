using System.Text;
using Xunit.Abstractions;

namespace Store.Loyalty.Tests.Functions;

/// <summary>
/// A Loyalty that ran from the beginning (A, consuming while history is produced, with partitions lagging so that
/// shipments often arrive before their order-placed) and a Loyalty started after all history exists (B, whole
/// partitions in big batches, shipments hub first) must end in the same state and emit the same tier-changed ids.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LateStartConvergenceTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Partitions = 4;
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions StateJson = new() { TypeInfoResolver = LoyaltyJson.Default };

    [Fact]
    public async Task LateStartedLoyalty_ReachesSameStateAndSameTierChangedIdsAsOneRunningFromTheStart()
    {
        using var a = LoyaltyTestApp.Create(azurite);
        using var b = LoyaltyTestApp.Create(azurite);
        var history = History.Generate(a, seed: 2026, customers: 40);
        var streams = new Dictionary<(string Hub, string Partition), List<EventData>>();
        var delivered = new Dictionary<(string Hub, string Partition), int>();
        var random = new Random(99);

        // A: consumes while the history is produced; each partition is delivered only now and then (lag).
        foreach (var e in history.Events)
        {
            var key = (e.Hub, e.Partition);
            if (!streams.TryGetValue(key, out var stream))
            {
                streams[key] = stream = [];
                delivered[key] = 0;
            }

            stream.Add(EventBatches.Received(e.Body, stream.Count + 1, e.PartitionKey, T0));
            foreach (var k in streams.Keys.OrderBy(_ => random.Next()).ToArray())
            {
                if (random.NextDouble() < 0.35)
                {
                    await DeliverPendingAsync(a, streams, delivered, k);
                }
            }
        }

        foreach (var k in streams.Keys.ToArray())
        {
            await DeliverPendingAsync(a, streams, delivered, k);
        }

        // B: starts after all history exists and reads every partition from the start in big batches, shipments first.
        foreach (var (hub, partition) in streams.Keys.OrderByDescending(k => k.Hub).ThenByDescending(k => k.Partition))
        {
            foreach (var chunk in streams[(hub, partition)].Chunk(250))
            {
                await b.DeliverAsync(hub, chunk, partition);
            }
        }

        // Same state, equal to the model: points = sum of floor(total) over shipped orders; each order once.
        var stateA = await a.CustomersAsync();
        var stateB = await b.CustomersAsync();
        Assert.Equal(history.ExpectedPoints.Keys.Order(), stateA.Keys.Order());
        foreach (var (customer, points) in history.ExpectedPoints)
        {
            Assert.Equal(points, stateA[customer].Points);
            Assert.Equal(Tiers.For(points), stateA[customer].Tier);
            Assert.Equal(JsonSerializer.Serialize(stateA[customer], StateJson), JsonSerializer.Serialize(stateB[customer], StateJson));
        }

        // Same tier-changed ids, each published once per run, and exactly the thresholds each customer reached.
        var outA = a.Publisher.To("loyalty-tiers");
        var outB = b.Publisher.To("loyalty-tiers");
        Assert.Equal(outA.Count, outA.Select(e => e.Id).Distinct().Count());
        Assert.Equal(outB.Count, outB.Select(e => e.Id).Distinct().Count());
        var expectedIds = history.ExpectedPoints
            .SelectMany(c => Tiers.Crossings.Where(t => c.Value >= t.Threshold).Select(t => LoyaltyDecider.TierChangedId(c.Key, t.Reached)))
            .Order().ToArray();
        Assert.NotEmpty(expectedIds);
        Assert.Equal(expectedIds, outA.Select(e => e.Id).Order());
        Assert.Equal(expectedIds, outB.Select(e => e.Id).Order());
        Assert.Empty(a.Publisher.To("dead-letters"));
        Assert.Empty(b.Publisher.To("dead-letters"));

        // Same crossing in each event (customer, previous tier, new tier). Points and time come from the order that
        // tipped the balance in each run, so the bytes are identical when both runs crossed on the same order.
        var byIdB = outB.ToDictionary(e => e.Id);
        var identical = 0;
        foreach (var ea in outA)
        {
            var eb = byIdB[ea.Id];
            var da = (TierChanged)a.Codec.Decode(ea.Body).Event!.Data;
            var db = (TierChanged)b.Codec.Decode(eb.Body).Event!.Data;
            Assert.Equal((da.CustomerId, da.PreviousTier, da.NewTier), (db.CustomerId, db.PreviousTier, db.NewTier));
            Assert.Equal(ea.PartitionKey, eb.PartitionKey);
            var threshold = Tiers.Crossings.Single(t => t.Reached == da.NewTier).Threshold;
            Assert.InRange(da.Points, threshold, history.ExpectedPoints[da.CustomerId]);
            Assert.InRange(db.Points, threshold, history.ExpectedPoints[da.CustomerId]);
            if (ea.Body.AsSpan().SequenceEqual(eb.Body))
            {
                identical++;
            }
            else
            {
                Assert.Equal(Normalized(ea.Body), Normalized(eb.Body));
            }
        }

        output.WriteLine($"{history.Events.Count} events, {stateA.Count} customers, {outA.Count} tier changes; byte-identical in both runs: {identical}; differing only in points/time (crossed on a different order): {outA.Count - identical}");
    }

    private static async Task DeliverPendingAsync(TestApp app, Dictionary<(string Hub, string Partition), List<EventData>> streams, Dictionary<(string Hub, string Partition), int> delivered, (string Hub, string Partition) key)
    {
        var stream = streams[key];
        var from = delivered[key];
        if (from < stream.Count)
        {
            await app.DeliverAsync(key.Hub, stream.Skip(from).ToArray(), key.Partition);
            delivered[key] = stream.Count;
        }
    }

    // The envelope and data without the two fields that depend on which order tipped the balance.
    private static string Normalized(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var sb = new StringBuilder();
        foreach (var p in doc.RootElement.EnumerateObject().Where(p => p.Name != "time"))
        {
            sb.Append(p.Name).Append('=');
            sb.Append(p.Name == "data"
                ? string.Join(",", p.Value.EnumerateObject().Where(d => d.Name != "points").Select(d => d.Name + ":" + d.Value.GetRawText()))
                : p.Value.GetRawText());
            sb.Append(';');
        }

        return sb.ToString();
    }

    private sealed record Produced(string Hub, string Partition, string PartitionKey, byte[] Body);

    /// <summary>A seeded history: customers, orders (most shipped, some shipments without a total, some shipments published twice).</summary>
    private sealed record History(List<Produced> Events, Dictionary<string, long> ExpectedPoints)
    {
        public static History Generate(TestApp codecSource, int seed, int customers)
        {
            var random = new Random(seed);
            var planned = new List<(int Step, int Tie, Produced Event)>();
            var expected = new Dictionary<string, long>(StringComparer.Ordinal);
            var tie = 0;
            for (var c = 0; c < customers; c++)
            {
                var customer = $"cust-{c:D3}";
                expected[customer] = 0;
                var orders = random.Next(1, 15);
                for (var o = 0; o < orders; o++)
                {
                    var orderId = $"{customer}-o{o:D2}";
                    var total = Math.Round((decimal)(random.NextDouble() * 2400) + 5m, 2);
                    var placedStep = random.Next(0, 1000);
                    var placedAt = T0.AddSeconds(placedStep).AddMilliseconds(tie);
                    planned.Add((placedStep, tie++, new Produced("sales-orders", PartitionOf(orderId), orderId,
                        codecSource.OrderPlaced("placed-" + orderId, orderId, customer, total, placedAt))));
                    if (random.NextDouble() >= 0.85)
                    {
                        continue; // never shipped (rejected, declined or cancelled): earns nothing
                    }

                    var shipStep = placedStep + random.Next(1, 80);
                    var shipment = codecSource.ShipmentRequested("shipped-" + orderId, orderId, customer, random.NextDouble() < 0.6 ? total : null, T0.AddSeconds(shipStep).AddMilliseconds(tie));
                    planned.Add((shipStep, tie++, new Produced("fulfillment-shipments", PartitionOf(orderId), orderId, shipment)));
                    if (random.NextDouble() < 0.05)
                    {
                        // At-least-once publishing: the same shipment event appears twice in the stream.
                        planned.Add((shipStep + random.Next(1, 30), tie++, new Produced("fulfillment-shipments", PartitionOf(orderId), orderId, shipment)));
                    }

                    expected[customer] += LoyaltyDecider.PointsFor(total);
                }
            }

            var events = planned.OrderBy(p => p.Step).ThenBy(p => p.Tie).Select(p => p.Event).ToList();
            return new History(events, expected);
        }

        private static string PartitionOf(string key)
        {
            var hash = 2166136261u;
            foreach (var ch in Encoding.UTF8.GetBytes(key))
            {
                hash = (hash ^ ch) * 16777619u;
            }

            return ((int)(hash % Partitions)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
