using static Store.TestSupport.Combinations;
using static Store.Tracking.Tests.Samples;

namespace Store.Tracking.Tests.Decisions;

/// <summary>The view must be a function of the set of events applied, not of their arrival order.</summary>
public sealed class OrderIndependenceTests
{
    private const string OrderId = "order-1";

    [Fact]
    public void HappyPath_AllPermutations_GiveTheSameStoredStateAndView()
    {
        TestEvent[] events = [Placed(OrderId, 0), Reserved(OrderId, 1), Authorized(OrderId, 1), Shipped(OrderId, 2), Cancelled(OrderId, 2), CancellationRejected(OrderId, 3)];
        var states = Permutations(events).Select(p => OrderStatusTests.Json(OrderStatusTests.Run(p))).Distinct().ToList();

        Assert.Single(states);
        var view = OrderStatusTests.Run(events).View;
        Assert.Equal(OrderStatus.ShipmentRequested, view.Status);
        Assert.Equal("rejected", view.Cancellation!.Outcome);
    }

    [Fact]
    public void DeclineAndReleasePath_AllPermutationsIncludingDuplicates_GiveTheSameView()
    {
        TestEvent[] events = [Placed(OrderId, 0), Reserved(OrderId, 1), Declined(OrderId, 1), Released(OrderId, 2, "payment-declined"), Reserved(OrderId, 1), Placed(OrderId, 0)];
        var states = Permutations(events).Select(p => OrderStatusTests.Json(OrderStatusTests.Run(p))).Distinct().ToList();

        Assert.Single(states);
        var view = OrderStatusTests.Run(events).View;
        Assert.Equal(OrderStatus.PaymentDeclined, view.Status);
        Assert.Equal("released", view.Reservation!.Status);
        Assert.Equal(4, view.Timeline.Count);
    }

    [Fact]
    public void SevenEventsOfEveryKind_ManySeededRandomPermutations_GiveTheSameState()
    {
        TestEvent[] events = [Placed(OrderId, 0), Reserved(OrderId, 1), Rejected(OrderId, 1), Authorized(OrderId, 1), Declined(OrderId, 1), Shipped(OrderId, 3), Cancelled(OrderId, 3), Released(OrderId, 4), Withdrawn(OrderId, 4), CancellationRejected(OrderId, 4)];
        var random = new Random(4242);
        var expected = OrderStatusTests.Json(OrderStatusTests.Run(events));

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(expected, OrderStatusTests.Json(OrderStatusTests.Run(events.OrderBy(_ => random.Next()))));
        }
    }
}
