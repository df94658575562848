using static Store.TestSupport.Combinations;
using static Store.Fulfillment.Tests.Samples;

namespace Store.Fulfillment.Tests.Decisions;

/// <summary>The join must not depend on the order events from different streams arrive in.</summary>
public sealed class OrderIndependenceTests
{
    private const string OrderId = "order-perm";
    private static readonly FulfillmentDecider Decider = new();

    private static List<OutgoingEvent> Apply(IEnumerable<TestEvent> events)
    {
        var state = Decider.Initial(FulfillmentDecider.KeyOf(OrderId));
        var outputs = new List<OutgoingEvent>();
        foreach (var e in events)
        {
            var input = Inbound(e);
            var decision = Decider.Decide(state, input);
            Assert.Null(decision.Rejection);
            outputs.AddRange(Emitted(Decider, state, input));
            state = decision.State;
        }

        return outputs;
    }

    [Fact]
    public void EveryArrivalOrderOfTheJoin_EmitsExactlyOneByteIdenticalShipment()
    {
        TestEvent[] events = [Placed(OrderId, 0), Reserved(OrderId, 3), Authorized(OrderId, 2)];
        var bodies = new HashSet<string>(StringComparer.Ordinal);
        var runs = 0;
        foreach (var permutation in Permutations(events))
        {
            var output = Assert.Single(Apply(permutation));
            Assert.Equal("fulfillment-shipments", output.Hub);
            Assert.Equal(OrderId, output.PartitionKey);
            bodies.Add(Text(output.Body));
            runs++;
        }

        Assert.Equal(6, runs);
        Assert.Single(bodies);
    }

    [Fact]
    public void EveryArrivalOrderWithDuplicatesAndIgnoredRepeats_StillEmitsOneIdenticalShipment()
    {
        TestEvent[] events = [Placed(OrderId, 0), Reserved(OrderId, 3), Authorized(OrderId, 2), Reserved(OrderId, 3), Placed(OrderId, 0)];
        var bodies = Permutations(events).Select(p => Text(Assert.Single(Apply(p)).Body)).Distinct().ToList();

        Assert.Single(bodies);
    }

    [Fact]
    public void Cancellation_InEveryArrivalOrder_IsAnsweredOnce_ShippedAndRejectedOnlyWhenItCameAfterTheJoinCompleted()
    {
        TestEvent[] events = [Placed(OrderId), Reserved(OrderId), Authorized(OrderId), Cancelled(OrderId)];
        var bodies = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var permutation in Permutations(events))
        {
            var outputs = Apply(permutation);
            var cancelledLast = permutation[^1].Type == CloudEventTypeAttribute.Of<OrderCancelled>();
            Assert.Equal(
                cancelledLast ? [CloudEventTypeAttribute.Of<ShipmentRequested>(), CloudEventTypeAttribute.Of<CancellationRejected>()] : [CloudEventTypeAttribute.Of<OrderWithdrawn>()],
                outputs.Select(o => o.Type));
            foreach (var output in outputs)
            {
                (bodies.TryGetValue(output.Type, out var set) ? set : bodies[output.Type] = new HashSet<string>(StringComparer.Ordinal)).Add(Text(output.Body));
            }
        }

        // Whichever way the race went, each output is byte-identical across arrival orders (ids from the order id).
        Assert.All(bodies.Values, set => Assert.Single(set));
    }

    [Fact]
    public void PaymentDeclined_InEveryArrivalOrder_NeverShips_AndTheCancelIsAnsweredWithOneIdenticalWithdrawal()
    {
        TestEvent[] events = [Placed(OrderId), Reserved(OrderId), Declined(OrderId), Cancelled(OrderId)];
        var bodies = Permutations(events).Select(p => Assert.Single(Apply(p))).Select(o =>
        {
            Assert.Equal(CloudEventTypeAttribute.Of<OrderWithdrawn>(), o.Type);
            return Text(o.Body);
        }).ToHashSet(StringComparer.Ordinal);

        Assert.Single(bodies);
    }

    [Fact]
    public void RandomInterleavingsOfManyOrders_EmitOneShipmentPerShippableOrderWithSameBytes()
    {
        var events = new List<TestEvent>();
        for (var i = 0; i < 20; i++)
        {
            var id = $"o-{i}";
            events.Add(Placed(id, i));
            events.Add(Reserved(id, i + 1));
            events.Add(i % 5 == 0 ? Declined(id, i + 2) : Authorized(id, i + 2));
        }

        string[]? expected = null;
        var random = new Random(20260301);
        for (var run = 0; run < 50; run++)
        {
            var shuffled = events.OrderBy(_ => random.Next()).ToList();
            var states = new Dictionary<string, FulfillmentOrder>(StringComparer.Ordinal);
            var outputs = new List<string>();
            foreach (var e in shuffled)
            {
                var state = states.TryGetValue(e.OrderId, out var s) ? s : Decider.Initial(FulfillmentDecider.KeyOf(e.OrderId));
                var input = Inbound(e);
                states[e.OrderId] = Decider.Decide(state, input).State;
                outputs.AddRange(Emitted(Decider, state, input).Select(o => Text(o.Body)));
            }

            var sorted = outputs.Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(16, sorted.Length);
            expected ??= sorted;
            Assert.Equal(expected, sorted);
        }
    }
}
