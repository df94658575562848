using System.Globalization;

namespace Store.Notifications.Decisions;

/// <summary>Template names, one per customer-facing event.</summary>
public static class Templates
{
    public const string ShipmentRequested = "shipment-requested";
    public const string StockReservationRejected = "stock-reservation-rejected";
    public const string PaymentDeclined = "payment-declined";
    public const string TierChanged = "tier-changed";
    public const string OrderCancelled = "order-cancelled";
    public const string CancellationRejected = "cancellation-rejected";
}

/// <summary>
/// Pure mapping of customer-facing events to notification requests. The notification id is given by the caller
/// (derived from the input event id); amounts are formatted with the invariant culture so output is byte-stable.
/// </summary>
public static class NotificationRules
{
    /// <summary>Channels the notification-requested schema allows.</summary>
    public static IReadOnlySet<string> Channels { get; } = new HashSet<string>(["email", "sms", "push"], StringComparer.Ordinal);

    /// <summary>"Your order is on its way": shipment id, item count, and the total when the shipment carries it.</summary>
    public static NotificationRequested For(ShipmentRequested e, string notificationId, string channel)
    {
        var data = Data(("shipmentId", e.ShipmentId), ("itemCount", e.Lines.Sum(l => (long)l.Quantity).ToString(CultureInfo.InvariantCulture)));
        if (e.Total is { } total)
        {
            data["total"] = Amount(total);
        }

        if (e.Currency is { } currency)
        {
            data["currency"] = currency;
        }

        return new(notificationId, e.CustomerId, channel, Templates.ShipmentRequested, e.OrderId, data);
    }

    /// <summary>"Some items are out of stock": the short skus (comma-separated, in the event's order) and the details per sku.</summary>
    public static NotificationRequested For(StockReservationRejected e, string notificationId, string channel)
    {
        var data = Data(
            ("shortSkus", string.Join(",", e.ShortLines.Select(l => l.Sku))),
            ("shortLines", string.Join(",", e.ShortLines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Sku}:{l.Requested}/{l.Available}")))));
        return new(notificationId, e.CustomerId, channel, Templates.StockReservationRejected, e.OrderId, data);
    }

    /// <summary>"Your payment was declined": reason and amount.</summary>
    public static NotificationRequested For(PaymentDeclined e, string notificationId, string channel) =>
        new(notificationId, e.CustomerId, channel, Templates.PaymentDeclined, e.OrderId,
            Data(("reason", e.Reason), ("amount", Amount(e.Amount)), ("currency", e.Currency)));

    /// <summary>"Your order is cancelled": the cancellation took effect (Fulfillment withdrew the order); the reason the customer gave, if any.</summary>
    public static NotificationRequested For(OrderWithdrawn e, string notificationId, string channel) =>
        new(notificationId, e.CustomerId, channel, Templates.OrderCancelled, e.OrderId,
            e.Reason is { } reason ? Data(("reason", reason)) : Data());

    /// <summary>"We could not cancel your order": it had already shipped; the shipment and the reason.</summary>
    public static NotificationRequested For(CancellationRejected e, string notificationId, string channel) =>
        new(notificationId, e.CustomerId, channel, Templates.CancellationRejected, e.OrderId,
            Data(("shipmentId", e.ShipmentId), ("reason", e.Reason)));

    /// <summary>"You reached a new tier": previous and new tier and the points (not about an order, so no orderId).</summary>
    public static NotificationRequested For(TierChanged e, string notificationId, string channel) =>
        new(notificationId, e.CustomerId, channel, Templates.TierChanged, null,
            Data(("previousTier", e.PreviousTier), ("newTier", e.NewTier), ("points", e.Points.ToString(CultureInfo.InvariantCulture))));

    /// <summary>An amount as invariant-culture text, keeping the scale the event carried (10.00 stays "10.00").</summary>
    public static string Amount(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static SortedDictionary<string, string> Data(params (string Key, string Value)[] fields)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            data[key] = value;
        }

        return data;
    }
}
