namespace Store.Notifications.Tests;

/// <summary>Input events as their producers publish them.</summary>
public static class Samples
{
    public static readonly DateTimeOffset Time = new(2026, 4, 2, 9, 30, 0, TimeSpan.Zero);

    public static ShipmentRequested Shipment(decimal? total = 59.90m) =>
        new("s-1", "o-1", "cust-1", [new ShipmentLine("SKU-A", 2, 10m), new ShipmentLine("SKU-B", 3, 13.30m)], total, total is null ? null : "EUR");

    public static StockReservationRejected Rejected() =>
        new("o-2", "cust-2", [new ShortLine("SKU-A", 5, 2), new ShortLine("SKU-C", 1, 0)]);

    public static PaymentDeclined Declined() => new("o-3", "cust-3", 12500.50m, "EUR", "amount exceeds limit");

    public static TierChanged Tier() => new("cust-4", "Silver", "Gold", 5120);
}
