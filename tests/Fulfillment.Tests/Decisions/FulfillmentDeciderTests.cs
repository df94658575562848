using System.Text.Json.Nodes;
using static Store.Fulfillment.Tests.Samples;

namespace Store.Fulfillment.Tests.Decisions;

public sealed class FulfillmentDeciderTests
{
    private const string OrderId = "order-1";

    /// <summary>An output as the kit will envelope it: id from scope and role, time and trace from its cause.</summary>
    private sealed record Output<T>(string EventId, DateTimeOffset Time, string? TraceParent, T Data);

    private static Output<T>? As<T>(IReadOnlyList<Emit> outputs) =>
        outputs is [{ Data: T data, Cause: { } cause } output] ? new(EventIds.Derive(cause.Scope, output.Role), cause.Time, cause.TraceParent, data) : null;

    private static (FulfillmentOrder State, List<Output<ShipmentRequested>> Shipments) Run(params TestEvent[] events)
    {
        var state = new FulfillmentOrder(OrderId);
        var shipments = new List<Output<ShipmentRequested>>();
        foreach (var e in events)
        {
            var decision = FulfillmentDecider.Decide(state, e.Meta, e.Data);
            state = decision.State;
            if (As<ShipmentRequested>(decision.Outputs) is { } s)
            {
                shipments.Add(s);
            }
        }

        return (state, shipments);
    }

    [Fact]
    public void PlacedReservedAndAuthorized_RequestsOneShipmentWithOrderDetails()
    {
        var (state, shipments) = Run(Placed(OrderId), Reserved(OrderId), Authorized(OrderId));

        var shipment = Assert.Single(shipments);
        Assert.Equal(OrderId, shipment.Data.OrderId);
        Assert.Equal("c-1", shipment.Data.CustomerId);
        Assert.Equal(25.00m, shipment.Data.Total);
        Assert.Equal("EUR", shipment.Data.Currency);
        Assert.Equal([new ShipmentLine("sku-a", 2, 10.50m), new ShipmentLine("sku-b", 1, 4m)], shipment.Data.Lines);
        Assert.True(state.ShipmentRequested);
    }

    [Fact]
    public void TheShipmentCarriesTheOrdersAddress_AndAV1OrderShipsToTheAddressOnFile()
    {
        var (_, shipments) = Run(Placed(OrderId, address: Address), Reserved(OrderId), Authorized(OrderId));
        Assert.Equal(Address, Assert.Single(shipments).Data.ShippingAddress);

        // A v1 order decoded as the app decodes it: upcast to OrderPlaced with no address, then the same join.
        var decider = new FulfillmentDecider();
        var placed = Inbound(PlacedV1(OrderId));
        Assert.Equal(new OrderPlaced(OrderId, "c-1", ((OrderPlaced)placed.Event.Data).Lines, 25.00m, "EUR", null), placed.Event.Data);
        var state = decider.Decide(decider.Decide(decider.Initial(FulfillmentDecider.KeyOf(OrderId)), placed).State, Inbound(Reserved(OrderId), 2)).State;
        var shipment = Assert.Single(Emitted(decider, state, Inbound(Authorized(OrderId), 3)));

        // shippingAddress is optional in shipment-requested: absent means the address on file.
        Assert.False(JsonNode.Parse(shipment.Body)!["data"]!.AsObject().ContainsKey("shippingAddress"));
    }

    [Fact]
    public void OnlyReservedOrOnlyAuthorized_RequestsNothing()
    {
        Assert.Empty(Run(Placed(OrderId), Reserved(OrderId)).Shipments);
        Assert.Empty(Run(Placed(OrderId), Authorized(OrderId)).Shipments);
    }

    [Fact]
    public void ReservedAndAuthorizedBeforeOrderPlaced_WaitsForOrderPlacedThenRequests()
    {
        var (waiting, none) = Run(Reserved(OrderId), Authorized(OrderId));
        Assert.Empty(none);
        Assert.False(waiting.ShipmentRequested);

        var decision = FulfillmentDecider.Decide(waiting, Placed(OrderId).Meta, Placed(OrderId).Data);

        Assert.Equal(25.00m, As<ShipmentRequested>(decision.Outputs)?.Data.Total);
    }

    [Fact]
    public void CancelledBeforeJoinCompletes_NeverRequestsShipment()
    {
        Assert.Empty(Run(Placed(OrderId), Cancelled(OrderId), Reserved(OrderId), Authorized(OrderId)).Shipments);
        Assert.Empty(Run(Cancelled(OrderId), Authorized(OrderId), Reserved(OrderId), Placed(OrderId)).Shipments);
    }

    [Fact]
    public void CancelBeforeTheShipment_IsAnsweredWithAWithdrawal_OnceWithIdAndTimeFromTheCancel()
    {
        var state = new FulfillmentOrder(OrderId);
        state = FulfillmentDecider.Decide(state, Placed(OrderId).Meta, Placed(OrderId).Data).State;
        var cancel = Cancelled(OrderId, minute: 7);

        var decision = FulfillmentDecider.Decide(state, cancel.Meta, cancel.Data);

        var answer = Assert.IsType<Output<OrderWithdrawn>>(As<OrderWithdrawn>(decision.Outputs));
        Assert.Equal(new OrderWithdrawn(OrderId, "c-1", "changed my mind"), answer.Data);
        Assert.Equal((EventIds.Derive("fulfillment/" + OrderId, "order-withdrawn"), cancel.Meta.Time), (answer.EventId, answer.Time));
        Assert.True(decision.State.Withdrawn);

        // A redelivered cancel answers nothing new, and the join can no longer complete.
        Assert.Empty(FulfillmentDecider.Decide(decision.State, cancel.Meta, cancel.Data).Outputs);
        var (_, shipments) = Run(Placed(OrderId), Cancelled(OrderId), Reserved(OrderId), Authorized(OrderId));
        Assert.Empty(shipments);
    }

    [Fact]
    public void CancelAfterTheShipment_IsRejectedAsAlreadyShipped_AndTheOrderStillShips()
    {
        var state = new FulfillmentOrder(OrderId);
        foreach (var e in new[] { Placed(OrderId), Reserved(OrderId), Authorized(OrderId) })
        {
            state = FulfillmentDecider.Decide(state, e.Meta, e.Data).State;
        }

        var cancel = Cancelled(OrderId, minute: 9);
        var decision = FulfillmentDecider.Decide(state, cancel.Meta, cancel.Data);

        var answer = Assert.IsType<Output<CancellationRejected>>(As<CancellationRejected>(decision.Outputs));
        Assert.Equal(new CancellationRejected(OrderId, "c-1", FulfillmentDecider.ShipmentIdFor(OrderId), "already-shipped"), answer.Data);
        Assert.Equal(EventIds.Derive("fulfillment/" + OrderId, "cancellation-rejected"), answer.EventId);
        Assert.False(decision.State.Withdrawn);
        Assert.True(decision.State.ShipmentRequested);
    }

    [Fact]
    public void PaymentDeclined_NeverRequestsShipment()
    {
        Assert.Empty(Run(Placed(OrderId), Reserved(OrderId), Declined(OrderId)).Shipments);
        Assert.Empty(Run(Declined(OrderId), Placed(OrderId), Reserved(OrderId), Authorized(OrderId)).Shipments);
    }

    [Fact]
    public void AfterShipmentRequested_MoreEventsRequestNoSecondShipment()
    {
        var again = Authorized(OrderId) with { Meta = new EventMeta("another-authorization", T0.AddMinutes(9), null) };
        var (state, shipments) = Run(Placed(OrderId), Reserved(OrderId), Authorized(OrderId), again, Reserved(OrderId), Cancelled(OrderId));

        Assert.Single(shipments);
        Assert.NotNull(state.Cancelled);
    }

    [Fact]
    public void Shipment_IdsDeriveFromOrderId_TimeIsLatestInput_TraceIsTheOrders()
    {
        var (_, shipments) = Run(Authorized(OrderId, minute: 7), Placed(OrderId, minute: 1), Reserved(OrderId, minute: 4));

        var shipment = Assert.Single(shipments);
        Assert.Equal(EventIds.Derive("fulfillment/" + OrderId, "shipment-requested"), shipment.EventId);
        Assert.Equal(EventIds.Derive("fulfillment/" + OrderId, "shipment"), shipment.Data.ShipmentId);
        Assert.NotEqual(FulfillmentDecider.ShipmentIdFor("order-2"), shipment.Data.ShipmentId);
        Assert.Equal(T0.AddMinutes(7), shipment.Time);
        Assert.Equal(Trace, shipment.TraceParent);
    }

    [Fact]
    public void FirstEventOfAKindWins_LaterDifferentOnesDoNotChangeTheOrder()
    {
        var otherPlaced = Placed(OrderId, minute: 5, customerId: "c-other") with { Meta = new EventMeta("other", T0.AddMinutes(5), null) };
        var (state, _) = Run(Placed(OrderId), otherPlaced);

        Assert.Equal("c-1", state.Placed!.CustomerId);
        Assert.Equal($"{OrderId}-placed", state.Placed.EventId);
    }
}
