namespace Store.Loyalty.Tests.Decisions;

public sealed class LoyaltyDeciderTests
{
    private const string Customer = "c-1";

    [Theory]
    [InlineData(0, "Bronze")]
    [InlineData(999, "Bronze")]
    [InlineData(1000, "Silver")]
    [InlineData(4999, "Silver")]
    [InlineData(5000, "Gold")]
    [InlineData(1_000_000, "Gold")]
    public void TierFor_Thresholds_BronzeBelow1000_SilverFrom1000_GoldFrom5000(long points, string tier) =>
        Assert.Equal(tier, Tiers.For(points));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0.99", 0)]
    [InlineData("999.99", 999)]
    [InlineData("1000", 1000)]
    [InlineData("1000.00", 1000)]
    [InlineData("12.5", 12)]
    public void PointsFor_Total_IsWholeCurrencyUnitsFloored(string total, long points) =>
        Assert.Equal(points, LoyaltyDecider.PointsFor(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void OrderPlacedThenShippedWithoutTotal_CountsFlooredOrderTotal()
    {
        var state = Placed(LoyaltyDecider.Initial(Customer), "o1", 120.75m);
        Assert.Equal(0, state.Points);

        var shipped = LoyaltyDecider.OnShipmentRequested(state, "o1", null);

        Assert.Equal(120, shipped.State.Points);
        Assert.Contains("o1", shipped.State.Counted);
        Assert.Empty(shipped.State.Pending);
    }

    [Fact]
    public void PlacedButNeverShipped_EarnsNothing()
    {
        var state = Placed(Placed(LoyaltyDecider.Initial(Customer), "o1", 3000m), "o2", 3000m);

        Assert.Equal(0, state.Points);
        Assert.Equal(Tiers.Bronze, state.Tier);
        Assert.Equal(2, state.Pending.Count);
    }

    [Fact]
    public void ShipmentWithTotal_UsesShipmentTotalOverOrderTotal()
    {
        var state = Placed(LoyaltyDecider.Initial(Customer), "o1", 500m);

        var shipped = LoyaltyDecider.OnShipmentRequested(state, "o1", 450.9m);

        Assert.Equal(450, shipped.State.Points);
    }

    [Fact]
    public void ShippedWithoutTotalBeforePlaced_WaitsThenCountsWhenOrderPlacedArrives()
    {
        var waiting = LoyaltyDecider.OnShipmentRequested(LoyaltyDecider.Initial(Customer), "o1", null);
        Assert.Equal(0, waiting.State.Points);
        Assert.True(waiting.State.Pending["o1"].Shipped);

        var counted = LoyaltyDecider.OnOrderPlaced(waiting.State, "o1", 1200.4m);

        Assert.Equal(1200, counted.State.Points);
        Assert.Equal(Tiers.Silver, counted.State.Tier);
        Assert.Equal([new TierChanged(Customer, Tiers.Bronze, Tiers.Silver, 1200)], counted.Changes);
    }

    [Fact]
    public void ShippedWithTotalBeforePlaced_CountsAtOnceAndLaterOrderPlacedChangesNothing()
    {
        var shipped = LoyaltyDecider.OnShipmentRequested(LoyaltyDecider.Initial(Customer), "o1", 80m);
        Assert.Equal(80, shipped.State.Points);

        var placed = LoyaltyDecider.OnOrderPlaced(shipped.State, "o1", 99m);

        Assert.Equal(80, placed.State.Points);
        Assert.Empty(placed.State.Pending);
        Assert.Empty(placed.Changes);
    }

    [Fact]
    public void SameOrderShippedTwice_CountsOnce()
    {
        var once = LoyaltyDecider.OnShipmentRequested(Placed(LoyaltyDecider.Initial(Customer), "o1", 700m), "o1", null).State;

        var twice = LoyaltyDecider.OnShipmentRequested(once, "o1", 700m);
        var placedAgain = LoyaltyDecider.OnOrderPlaced(twice.State, "o1", 700m);

        Assert.Equal(700, placedAgain.State.Points);
        Assert.Empty(twice.Changes);
        Assert.Empty(placedAgain.Changes);
    }

    [Fact]
    public void SameOrderPlacedTwiceThenShipped_CountsOnceWithFirstTotal()
    {
        var state = Placed(Placed(LoyaltyDecider.Initial(Customer), "o1", 10m), "o1", 20m);

        var shipped = LoyaltyDecider.OnShipmentRequested(state, "o1", null);

        Assert.Equal(10, shipped.State.Points);
    }

    [Fact]
    public void ReachingExactly1000_EmitsBronzeToSilverWithPoints()
    {
        var state = Shipped(LoyaltyDecider.Initial(Customer), "o1", 999m).State;
        Assert.Equal(Tiers.Bronze, state.Tier);

        var decision = Shipped(state, "o2", 1m);

        Assert.Equal([new TierChanged(Customer, Tiers.Bronze, Tiers.Silver, 1000)], decision.Changes);
        Assert.Equal(Tiers.Silver, decision.State.Tier);
    }

    [Fact]
    public void StayingWithinATier_EmitsNothing()
    {
        var state = Shipped(LoyaltyDecider.Initial(Customer), "o1", 1000m).State;

        var to4999 = Shipped(state, "o2", 3999m);

        Assert.Empty(to4999.Changes);
        Assert.Equal(Tiers.Silver, to4999.State.Tier);
    }

    [Fact]
    public void Reaching5000FromSilver_EmitsSilverToGold()
    {
        var state = Shipped(LoyaltyDecider.Initial(Customer), "o1", 4999m).State;

        var decision = Shipped(state, "o2", 1m);

        Assert.Equal([new TierChanged(Customer, Tiers.Silver, Tiers.Gold, 5000)], decision.Changes);
    }

    [Fact]
    public void JumpFromBronzeToGold_EmitsOneEventPerThresholdCrossed()
    {
        var decision = Shipped(LoyaltyDecider.Initial(Customer), "o1", 6000m);

        Assert.Equal(
            [new TierChanged(Customer, Tiers.Bronze, Tiers.Silver, 6000), new TierChanged(Customer, Tiers.Silver, Tiers.Gold, 6000)],
            decision.Changes);
        Assert.Equal(Tiers.Gold, decision.State.Tier);
    }

    [Fact]
    public void ImplausibleTotal_IsRejectedAndStateKept()
    {
        var initial = LoyaltyDecider.Initial(Customer);

        var placed = LoyaltyDecider.OnOrderPlaced(initial, "o1", LoyaltyDecider.MaxTotal);
        var shipped = LoyaltyDecider.OnShipmentRequested(initial, "o1", LoyaltyDecider.MaxTotal);

        Assert.NotNull(placed.Rejection);
        Assert.NotNull(shipped.Rejection);
        Assert.Same(initial, placed.State);
    }

    [Fact]
    public void AnyArrivalOrder_GivesSamePointsTierAndSetOfCrossings()
    {
        // Orders with and without shipment totals; every permutation of their placed/shipped facts must converge.
        var orders = Enumerable.Range(1, 8).Select(i => (Id: "o" + i, Placed: 500m + (i * 97.3m), ShipTotal: i % 3 == 0 ? (decimal?)null : 450m + (i * 88.8m), Ships: i != 5)).ToArray();
        var facts = orders.SelectMany(o => o.Ships
            ? new[] { (o.Id, Shipment: false, Total: (decimal?)o.Placed), (o.Id, Shipment: true, Total: o.ShipTotal) }
            : [(o.Id, Shipment: false, Total: (decimal?)o.Placed)]).ToArray();
        var expectedPoints = orders.Where(o => o.Ships).Sum(o => LoyaltyDecider.PointsFor(o.ShipTotal ?? o.Placed));
        Assert.InRange(expectedPoints, Tiers.GoldThreshold, long.MaxValue);

        var random = new Random(7);
        for (var run = 0; run < 200; run++)
        {
            var state = LoyaltyDecider.Initial(Customer);
            var crossings = new List<(string, string)>();
            foreach (var fact in facts.OrderBy(_ => random.Next()))
            {
                var decision = fact.Shipment
                    ? LoyaltyDecider.OnShipmentRequested(state, fact.Id, fact.Total)
                    : LoyaltyDecider.OnOrderPlaced(state, fact.Id, fact.Total!.Value);
                state = decision.State;
                crossings.AddRange(decision.Changes.Select(c => (c.PreviousTier, c.NewTier)));
            }

            Assert.Equal(expectedPoints, state.Points);
            Assert.Equal(Tiers.For(expectedPoints), state.Tier);
            Assert.Equal([(Tiers.Bronze, Tiers.Silver), (Tiers.Silver, Tiers.Gold)], crossings);
            Assert.Equal(["o5"], state.Pending.Keys);
        }
    }

    private static CustomerLoyalty Placed(CustomerLoyalty state, string orderId, decimal total) =>
        LoyaltyDecider.OnOrderPlaced(state, orderId, total).State;

    private static LoyaltyDecision Shipped(CustomerLoyalty state, string orderId, decimal total) =>
        LoyaltyDecider.OnShipmentRequested(state, orderId, total);
}
