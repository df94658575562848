namespace Store.Inventory.Tests;

/// <summary>Event data builders shared by the tests.</summary>
internal static class InventoryTestData
{
    public static OrderPlaced Order(string orderId, params (string Sku, int Quantity)[] lines) =>
        new(orderId, "cust-" + orderId, lines.Select(l => new OrderPlacedLine(l.Sku, l.Quantity, 10m)).ToArray(), lines.Sum(l => l.Quantity) * 10m, "EUR");

    /// <summary>Fulfillment's withdrawal of an order (the customer's cancel won): what Inventory releases on.</summary>
    public static OrderWithdrawn Withdraw(string orderId) => new(orderId, "cust-" + orderId, "changed my mind");

    public static PaymentDeclined Decline(string orderId) => new(orderId, "cust-" + orderId, 10m, "EUR", "limit exceeded");

    public static ShipmentRequested Shipment(string orderId) => new("ship-" + orderId, orderId, "cust-" + orderId, [new ShipmentLine("A", 1, 10m)]);

    public static StockReceived Receipt(string receiptId, string sku, int quantity) => new(receiptId, sku, quantity);
}
