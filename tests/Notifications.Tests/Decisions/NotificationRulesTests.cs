namespace Store.Notifications.Tests.Decisions;

public sealed class NotificationRulesTests
{
    private static NotificationRequested For(object e, string notificationId, string channel) =>
        NotificationReaction.For(e, notificationId, channel) ?? throw new InvalidOperationException($"{e.GetType().Name} asks for no notification.");

    [Fact]
    public void ShipmentRequested_BecomesShipmentTemplateWithOrderItemCountAndTotal()
    {
        var n = For(Samples.Shipment(), "n-1", "email");

        Assert.Equal(("n-1", "cust-1", "email", "shipment-requested", "o-1"), (n.NotificationId, n.CustomerId, n.Channel, n.Template, n.OrderId));
        Assert.Equal(new Dictionary<string, string> { ["shipmentId"] = "s-1", ["itemCount"] = "5", ["total"] = "59.90", ["currency"] = "EUR" }, n.Data);
    }

    [Fact]
    public void ShipmentRequestedWithoutTotal_LeavesTotalOut()
    {
        var n = For(Samples.Shipment(total: null), "n-1", "email");

        Assert.False(n.Data.ContainsKey("total"));
        Assert.False(n.Data.ContainsKey("currency"));
    }

    [Fact]
    public void StockReservationRejected_ListsTheShortSkus()
    {
        var n = For(Samples.Rejected(), "n-2", "sms");

        Assert.Equal(("cust-2", "sms", "stock-reservation-rejected", "o-2"), (n.CustomerId, n.Channel, n.Template, n.OrderId));
        Assert.Equal("SKU-A,SKU-C", n.Data["shortSkus"]);
        Assert.Equal("SKU-A:5/2,SKU-C:1/0", n.Data["shortLines"]);
    }

    [Fact]
    public void OrderWithdrawn_ConfirmsTheCancellation_WithTheCustomersReasonWhenGiven()
    {
        var n = For(new OrderWithdrawn("o-4", "cust-4", "changed my mind"), "n-4", "email");

        Assert.Equal(("cust-4", "order-cancelled", "o-4"), (n.CustomerId, n.Template, n.OrderId));
        Assert.Equal(new Dictionary<string, string> { ["reason"] = "changed my mind" }, n.Data);
        Assert.Empty(For(new OrderWithdrawn("o-4", "cust-4"), "n-4", "email").Data);
    }

    [Fact]
    public void CancellationRejected_TellsTheCustomerTheOrderShipsAnyway()
    {
        var n = For(new CancellationRejected("o-5", "cust-5", "s-5", "already-shipped"), "n-5", "push");

        Assert.Equal(("cust-5", "push", "cancellation-rejected", "o-5"), (n.CustomerId, n.Channel, n.Template, n.OrderId));
        Assert.Equal(new Dictionary<string, string> { ["shipmentId"] = "s-5", ["reason"] = "already-shipped" }, n.Data);
    }

    [Fact]
    public void PaymentDeclined_CarriesReasonAndAmount()
    {
        var n = For(Samples.Declined(), "n-3", "email");

        Assert.Equal(("cust-3", "payment-declined", "o-3"), (n.CustomerId, n.Template, n.OrderId));
        Assert.Equal(new Dictionary<string, string> { ["reason"] = "amount exceeds limit", ["amount"] = "12500.50", ["currency"] = "EUR" }, n.Data);
    }

    [Fact]
    public void TierChanged_CarriesTiersAndPoints_AndNoOrderId()
    {
        var n = For(Samples.Tier(), "n-4", "push");

        Assert.Equal(("cust-4", "push", "tier-changed"), (n.CustomerId, n.Channel, n.Template));
        Assert.Null(n.OrderId);
        Assert.Equal(new Dictionary<string, string> { ["previousTier"] = "Silver", ["newTier"] = "Gold", ["points"] = "5120" }, n.Data);
    }

    [Fact]
    public void Data_IsSortedByKey_SoSerializedOutputIsStable() =>
        Assert.Equal(["currency", "itemCount", "shipmentId", "total"], For(Samples.Shipment(), "n", "email").Data.Keys);
}
