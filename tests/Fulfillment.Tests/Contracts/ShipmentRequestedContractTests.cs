using static Store.Fulfillment.Tests.Samples;

namespace Store.Fulfillment.Tests.Contracts;

public sealed class ShipmentRequestedContractTests
{
    [Fact]
    public void EmittedShipmentRequested_ValidatesAgainstItsSchemaAndDecodes()
    {
        var decider = new FulfillmentDecider();
        var state = decider.Initial(FulfillmentDecider.KeyOf("k-1"));
        state = decider.Decide(state, Inbound(Placed("k-1"))).State;
        state = decider.Decide(state, Inbound(Reserved("k-1"))).State;
        var output = Assert.Single(Emitted(decider, state, Inbound(Authorized("k-1"))));

        var registration = Codec.Registry.For<ShipmentRequested>();
        using var document = JsonDocument.Parse(output.Body);
        var root = document.RootElement;
        Assert.True(registration.Schema.Evaluate(root.GetProperty("data")).IsValid);
        Assert.Equal("fulfillment.shipment-requested.v1", root.GetProperty("type").GetString());
        Assert.Equal("/store/fulfillment", root.GetProperty("source").GetString());
        Assert.Equal("k-1", root.GetProperty("subject").GetString());
        Assert.Equal(registration.SchemaId, root.GetProperty("dataschema").GetString());

        var decoded = Codec.Decode(output.Body);
        Assert.Null(decoded.Error);
        Assert.IsType<ShipmentRequested>(decoded.Event?.Data);
    }

    [Fact]
    public void EmittedCancellationAnswers_ValidateAgainstTheirSchemasAndDecode()
    {
        var decider = new FulfillmentDecider();
        var withdrawn = decider.Initial(FulfillmentDecider.KeyOf("w-1"));
        withdrawn = decider.Decide(withdrawn, Inbound(Placed("w-1"))).State;
        var withdrawal = Assert.Single(Emitted(decider, withdrawn, Inbound(Cancelled("w-1"))));

        var shipped = decider.Initial(FulfillmentDecider.KeyOf("r-1"));
        foreach (var e in new[] { Placed("r-1"), Reserved("r-1"), Authorized("r-1") })
        {
            shipped = decider.Decide(shipped, Inbound(e)).State;
        }

        var rejection = Assert.Single(Emitted(decider, shipped, Inbound(Cancelled("r-1"))));

        foreach (var (output, type, orderId) in new[] { (withdrawal, CloudEventTypeAttribute.Of<OrderWithdrawn>(), "w-1"), (rejection, CloudEventTypeAttribute.Of<CancellationRejected>(), "r-1") })
        {
            Assert.Equal(("fulfillment-shipments", orderId, type), (output.Hub, output.PartitionKey, output.Type));
            using var document = JsonDocument.Parse(output.Body);
            var root = document.RootElement;
            Assert.True(Codec.Registry.TryGet(type, out var registration));
            Assert.True(registration.Schema.Evaluate(root.GetProperty("data")).IsValid, type);
            Assert.Equal(type, root.GetProperty("type").GetString());
            Assert.Equal(orderId, root.GetProperty("subject").GetString());
            Assert.Equal(registration.SchemaId, root.GetProperty("dataschema").GetString());
            Assert.Null(Codec.Decode(output.Body).Error);
        }

        Assert.IsType<OrderWithdrawn>(Codec.Decode(withdrawal.Body).Event?.Data);
        Assert.IsType<CancellationRejected>(Codec.Decode(rejection.Body).Event?.Data);
    }

    [Fact]
    public void ShipmentRequested_WithCamelCaseFields_MatchesTheSchemaShape()
    {
        var data = new ShipmentRequested("s-1", "o-1", "c-1", [new ShipmentLine("a", 1, 0m)], 0m, "USD");
        var body = Codec.Encode(new CloudEventHeader("id-1", CloudEventTypeAttribute.Of<ShipmentRequested>(), "/store/fulfillment", "o-1", T0), data);

        using var document = JsonDocument.Parse(body);
        var json = document.RootElement.GetProperty("data");
        Assert.Equal(["shipmentId", "orderId", "customerId", "lines", "total", "currency"], json.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.True(Codec.Registry.For<ShipmentRequested>().Schema.Evaluate(json).IsValid);
    }
}
